import Synchronization

/// Client records by id, kept a few seconds in front of the database, so authenticating a client
/// at the token endpoint costs no round trip.
///
/// A record is served only while it is younger than ``lifetime`` *and* no client has changed
/// since it was read (``ClientChanges``): writes through this process's store are seen at once,
/// writes by other processes as soon as PostgreSQL's notification arrives (``ClientChangeListener``),
/// and on SQLite, whose other processes cannot announce anything, within ``lifetime``.
/// Unknown ids are not cached, so a client just added elsewhere works on its first request.
/// Records hold a secret's SHA-256 only (``Client/secretHash``), never a secret.
///
/// ```swift
/// let clients = CachedClientStore(store: store, changes: store.clientChanges)
/// let authenticator = ClientAuthenticator(clients: clients)
/// ```
public final class CachedClientStore: ClientStore {
    /// Long enough to spare the database on every request, short enough that a change made by a
    /// process that cannot notify (SQLite's CLI) is seen promptly.
    public static let defaultLifetime: Duration = .seconds(5)
    /// Far more clients than a deployment sends requests for in one lifetime; when full, the
    /// cache starts afresh rather than tracking what is oldest.
    static let capacity = 4096

    private struct Entry {
        let client: Client
        let readAt: ContinuousClock.Instant
        let generation: UInt64
    }

    private let store: any ClientStore
    private let changes: ClientChanges
    private let lifetime: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])

    /// - Parameter now: the monotonic time (injected so tests control it).
    public init(store: any ClientStore, changes: ClientChanges, lifetime: Duration = defaultLifetime,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.store = store
        self.changes = changes
        self.lifetime = lifetime
        self.now = now
    }

    public func client(id: String) async throws -> Client? {
        let generation = changes.generation
        let time = now()
        let cached = entries.withLock { entries -> Client? in
            guard let entry = entries[id], entry.generation == generation, time - entry.readAt < lifetime else { return nil }
            return entry.client
        }
        if let cached {
            return cached
        }
        guard let client = try await store.client(id: id), client.id == id else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                entries.removeAll(keepingCapacity: true)
            }
            entries[id] = Entry(client: client, readAt: time, generation: generation)
        }
        return client
    }

    /// Unknown ids are never cached, so a new client needs no invalidation here.
    public func insert(_ client: Client, at now: Int) async throws {
        try await store.insert(client, at: now)
    }
}
