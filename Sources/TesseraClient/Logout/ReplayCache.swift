import Foundation

/// The `jti`s of recently accepted logout tokens, so the same token is accepted once
/// (OpenID Connect Back-Channel Logout 1.0 §2.6 step 10).
///
/// Bounded in time and in size: an entry is kept only while its token could still pass the
/// `iat` check (after that the token is refused as too old anyway), and beyond `capacity` the
/// oldest entry goes first. In memory, per process: an app on several nodes keeps one per node,
/// which still stops a replay to the node that saw the token.
actor ReplayCache {
    private var seen: [String: (until: Date, generation: Int)] = [:]
    /// Insertion order, for eviction; entries whose generation no longer matches are stale.
    private var order: [(id: String, generation: Int)] = []
    private var head = 0
    private var generation = 0
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Records `id` until `until`; false when it is already recorded and has not expired.
    func insert(_ id: String, until: Date, now: Date) -> Bool {
        if let previous = seen[id], now < previous.until { return false }
        generation += 1
        seen[id] = (until, generation)
        order.append((id, generation))
        // Oldest first: drop what is stale, expired, or one too many.
        while head < order.count {
            let oldest = order[head]
            let live = seen[oldest.id].flatMap { $0.generation == oldest.generation ? $0 : nil }
            if let live, live.until > now, seen.count <= capacity { break }
            head += 1
            if live != nil { seen[oldest.id] = nil }
        }
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
        return true
    }
}
