public import Foundation

/// The default ``OIDCSessionStore``: sessions in this process's memory, in an actor.
///
/// Bounded twice over, so a stream of anonymous `/login` requests cannot grow it without limit:
/// every session expires (expired ones are swept as writes come in), and beyond `capacity` the
/// sessions nearest their end are dropped — logins still on their way to the provider before
/// logged-in users. Sessions do not survive a restart and are not shared between processes: an
/// app on several nodes needs a store of its own over a shared database.
///
/// ```swift
/// let login = OIDCLogin(client: client, store: MemoryOIDCSessionStore(capacity: 10_000))
/// ```
public actor MemoryOIDCSessionStore: OIDCSessionStore {
    private var sessions: [String: OIDCSession] = [:]
    private var writesSinceSweep = 0
    /// The most sessions kept at once.
    public let capacity: Int
    /// Expired sessions are swept after this many writes (and whenever the store is full).
    public let sweepInterval: Int

    public init(capacity: Int = 100_000, sweepInterval: Int = 1_000) {
        self.capacity = max(1, capacity)
        self.sweepInterval = max(1, sweepInterval)
    }

    public func load(idHash: String, now: Date) -> OIDCSession? {
        guard let session = sessions[idHash] else { return nil }
        guard !session.isExpired(at: now) else {
            sessions[idHash] = nil
            return nil
        }
        return session
    }

    public func save(_ session: OIDCSession, idHash: String, now: Date) {
        sessions[idHash] = session
        writesSinceSweep += 1
        if writesSinceSweep >= sweepInterval || sessions.count > capacity {
            sweep(now: now)
        }
    }

    public func remove(idHash: String) {
        sessions[idHash] = nil
    }

    /// How many sessions are held, expired ones not yet swept included.
    public var count: Int { sessions.count }

    /// Drops expired sessions, then, while over capacity, those nearest their end, anonymous first.
    private func sweep(now: Date) {
        writesSinceSweep = 0
        sessions = sessions.filter { !$0.value.isExpired(at: now) }
        let excess = sessions.count - capacity
        guard excess > 0 else { return }
        let victims = sessions
            .sorted { ($0.value.tokens != nil ? 1 : 0, $0.value.expiresAt) < ($1.value.tokens != nil ? 1 : 0, $1.value.expiresAt) }
            .prefix(excess)
        for (key, _) in victims { sessions[key] = nil }
    }
}
