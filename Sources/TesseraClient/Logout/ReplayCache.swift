import Foundation

/// The `jti`s of recently accepted logout tokens, so the same token is accepted once
/// (OpenID Connect Back-Channel Logout 1.0 §2.6 step 10).
///
/// Bounded in time and in size: an entry is kept only while its token could still pass the
/// `iat` check (after that the token is refused as too old anyway), and beyond `capacity` the
/// oldest entry goes first. In memory, per process: an app on several nodes keeps one per node,
/// which still stops a replay to the node that saw the token.
actor ReplayCache {
    private var seen: ExpiringCache<String, Void>

    init(capacity: Int = 10_000) {
        seen = ExpiringCache(capacity: capacity)
    }

    /// Records `id` until `until`; false when it is already recorded and has not expired.
    func insert(_ id: String, until: Date, now: Date) -> Bool {
        if seen.value(for: id, now: now) != nil { return false }
        seen.insert((), for: id, until: until, now: now)
        return true
    }
}
