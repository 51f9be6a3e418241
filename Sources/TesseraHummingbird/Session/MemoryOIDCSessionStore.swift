public import Foundation
public import TesseraClient

/// The default ``OIDCSessionStore``: sessions in this process's memory, in an actor.
///
/// Bounded twice over, so a stream of anonymous `/login` requests cannot grow it without limit
/// nor push anyone out: every session expires, and sessions that only hold logins on their way to
/// the provider (anonymous ones) are counted apart from those of logged-in users, each kind within
/// its own capacity. Beyond it, the session of that kind nearest its end is dropped — so a flood
/// of `/login` hits only ever displaces other unfinished logins. Each kind is kept in a min-heap by
/// expiry: a write drops what has expired or overflowed in O(log n) each, never sorting the store.
/// Sessions do not survive a restart and are not shared between processes: an app on several
/// nodes needs a store of its own over a shared database.
///
/// ```swift
/// let login = OIDCLogin(client: client, store: MemoryOIDCSessionStore(capacity: 10_000, anonymousCapacity: 1_000))
/// ```
public actor MemoryOIDCSessionStore: OIDCSessionStore {
    private struct Stored {
        let session: OIDCSession
        let generation: Int
        var isAnonymous: Bool { session.tokens == nil }
    }

    private var sessions: [String: Stored] = [:]
    private var loggedIn = ExpiryQueue()
    private var anonymous = ExpiryQueue()
    private var anonymousCount = 0
    private var generation = 0
    /// The most sessions of logged-in users kept at once.
    public let capacity: Int
    /// The most anonymous sessions (logins under way, no tokens yet) kept at once.
    public let anonymousCapacity: Int

    /// - Parameter anonymousCapacity: by default a tenth of `capacity`, at least 100.
    public init(capacity: Int = 100_000, anonymousCapacity: Int? = nil) {
        self.capacity = max(1, capacity)
        self.anonymousCapacity = max(1, anonymousCapacity ?? max(100, capacity / 10))
    }

    public func load(idHash: String, now: Date) -> OIDCSession? {
        guard let stored = sessions[idHash] else { return nil }
        guard !stored.session.isExpired(at: now) else {
            remove(idHash: idHash)
            return nil
        }
        return stored.session
    }

    public func save(_ session: OIDCSession, idHash: String, now: Date) {
        remove(idHash: idHash)
        generation += 1
        let stored = Stored(session: session, generation: generation)
        sessions[idHash] = stored
        let entry = ExpiryQueue.Entry(expiresAt: session.expiresAt, key: idHash, generation: generation)
        if stored.isAnonymous {
            anonymousCount += 1
            anonymous.push(entry)
        } else {
            loggedIn.push(entry)
        }
        dropExpiredAndSurplus(from: &anonymous, count: anonymousCount, capacity: anonymousCapacity, now: now)
        dropExpiredAndSurplus(from: &loggedIn, count: sessions.count - anonymousCount, capacity: capacity, now: now)
    }

    public func remove(idHash: String) {
        guard let stored = sessions.removeValue(forKey: idHash) else { return }
        // Its heap entry stays behind, stale: skipped when reached, dropped by compaction.
        if stored.isAnonymous { anonymousCount -= 1 }
    }

    /// Removes the sessions a logout token ends, by a scan of every session: back-channel logouts
    /// are rare beside requests, so no index is kept up on every save. Declared `async throws`, as
    /// the requirement is, so that it — not the protocol's unsupported default — is what a caller
    /// holding a `MemoryOIDCSessionStore` gets.
    public func removeSessions(endedBy logout: LogoutTokenClaims) async throws -> Int {
        let ended = sessions.filter { $0.value.session.isEnded(by: logout) }.map(\.key)
        for idHash in ended { remove(idHash: idHash) }
        return ended.count
    }

    /// How many sessions are held, expired ones not yet dropped included.
    public var count: Int { sessions.count }

    /// How many heap entries are held, stale ones included: bounded by twice the sessions.
    var queuedEntries: Int { anonymous.count + loggedIn.count }

    /// Pops from `queue` while its first entry is stale, expired, or one too many of its kind.
    private func dropExpiredAndSurplus(from queue: inout ExpiryQueue, count: Int, capacity: Int, now: Date) {
        var count = count
        while let first = queue.first {
            let isLive = sessions[first.key]?.generation == first.generation
            guard !isLive || first.expiresAt <= now || count > capacity else { break }
            queue.popFirst()
            if isLive {
                remove(idHash: first.key)
                count -= 1
            }
        }
        if queue.count > 2 * count + 64 {
            queue.compact { self.sessions[$0.key]?.generation == $0.generation }
        }
    }
}
