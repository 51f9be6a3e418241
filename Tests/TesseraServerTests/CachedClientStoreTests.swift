import Synchronization
import Testing
import TesseraCore
@testable import TesseraServer

/// The cache of client records client authentication reads (RFC 6749 §2.3.1): it spares the
/// database a lookup per request, and must never answer with a record that changed, expired, or
/// belongs to another id.
@Suite("RFC 6749 §2.3.1 client authentication: the cache of client records")
struct CachedClientStoreTests {
    @Test("a record is read once, then served from memory until its lifetime ends")
    func servedWithinLifetime() async throws {
        let fixture = Fixture()
        #expect(try await fixture.cache.client(id: "a")?.name == "A")
        #expect(try await fixture.cache.client(id: "a")?.name == "A")
        #expect(fixture.store.reads == 1)

        fixture.advance(by: .seconds(4))
        #expect(try await fixture.cache.client(id: "a")?.name == "A")
        #expect(fixture.store.reads == 1)

        fixture.store.rename("a", to: "A, renamed elsewhere")
        fixture.advance(by: .seconds(1))
        #expect(try await fixture.cache.client(id: "a")?.name == "A, renamed elsewhere")
        #expect(fixture.store.reads == 2)
    }

    @Test("any change heard (a write through this process, or PostgreSQL's notification) drops every record at once")
    func changeDropsRecords() async throws {
        let fixture = Fixture()
        _ = try await fixture.cache.client(id: "a")
        _ = try await fixture.cache.client(id: "b")
        fixture.store.remove("a")
        fixture.changes.changed()
        #expect(try await fixture.cache.client(id: "a") == nil)
        #expect(try await fixture.cache.client(id: "b")?.name == "B")
        #expect(fixture.store.reads == 4)
    }

    @Test("a change that lands while a record is being read leaves that record untrusted")
    func changeDuringRead() async throws {
        let fixture = Fixture()
        fixture.store.duringRead = { fixture.changes.changed() }
        _ = try await fixture.cache.client(id: "a")
        fixture.store.duringRead = nil
        _ = try await fixture.cache.client(id: "a")
        #expect(fixture.store.reads == 2)
    }

    @Test("each id gets its own record, never another's; unknown ids are not remembered")
    func neverAnotherID() async throws {
        let fixture = Fixture()
        #expect(try await fixture.cache.client(id: "a")?.id == "a")
        #expect(try await fixture.cache.client(id: "b")?.id == "b")
        #expect(try await fixture.cache.client(id: "a")?.id == "a")
        #expect(try await fixture.cache.client(id: "c") == nil)
        // A client added elsewhere works on its first request: the miss was not cached.
        fixture.store.add(Fixture.client("c", "C"))
        #expect(try await fixture.cache.client(id: "c")?.id == "c")
        // A store that answered with another id's record is not believed.
        fixture.store.misdirect("d", to: "a")
        #expect(try await fixture.cache.client(id: "d") == nil)
        #expect(try await fixture.cache.client(id: "A") == nil)
    }
}

/// A cache over an in-memory store that counts its reads, on a clock the test moves.
private struct Fixture {
    let store = CountingClientStore([client("a", "A"), client("b", "B")])
    let changes = ClientChanges()
    let time = ManualTime()
    let cache: CachedClientStore

    init() {
        let time = self.time
        cache = CachedClientStore(store: store, changes: changes, lifetime: .seconds(5), now: { time.now })
    }

    func advance(by duration: Duration) {
        time.advance(by: duration)
    }

    static func client(_ id: String, _ name: String) -> Client {
        Client(id: id, name: name, secretHash: nil, redirectURIs: ["https://app.example/cb"],
               grantTypes: [.authorizationCode])
    }
}

/// A monotonic time that moves only when the test says so.
private final class ManualTime: Sendable {
    private let value = Mutex(ContinuousClock.now)
    var now: ContinuousClock.Instant { value.withLock { $0 } }
    func advance(by duration: Duration) { value.withLock { $0 = $0.advanced(by: duration) } }
}

private final class CountingClientStore: ClientStore {
    private let state: Mutex<(clients: [String: Client], reads: Int)>
    private let hook = Mutex<(@Sendable () -> Void)?>(nil)

    init(_ clients: [Client]) {
        state = Mutex((Dictionary(uniqueKeysWithValues: clients.map { ($0.id, $0) }), 0))
    }

    var reads: Int { state.withLock { $0.reads } }
    var duringRead: (@Sendable () -> Void)? {
        get { hook.withLock { $0 } }
        set { hook.withLock { $0 = newValue } }
    }

    func add(_ client: Client) { state.withLock { $0.clients[client.id] = client } }
    func remove(_ id: String) { state.withLock { $0.clients[id] = nil } }
    func rename(_ id: String, to name: String) { state.withLock { $0.clients[id]?.name = name } }
    func misdirect(_ id: String, to other: String) { state.withLock { $0.clients[id] = $0.clients[other] } }

    func client(id: String) async throws -> Client? {
        duringRead?()
        return state.withLock { state in
            state.reads += 1
            return state.clients[id]
        }
    }

    func insert(_ client: Client, at now: Int) async throws { add(client) }
}
