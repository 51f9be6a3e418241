import Foundation
import PostgresKit
import SQLKit
import Synchronization
import Testing
import TesseraCore
import TesseraServer

/// PostgreSQL runs the store's statements as named prepared statements (PostgresPreparedDatabase):
/// parsed and planned once per connection, then only bound and run, and prepared again whenever
/// the server no longer has them. Each test uses a pool of one connection, so every call lands on
/// the session whose `pg_prepared_statements` it then reads.
@Suite("PostgreSQL named prepared statements")
struct PreparedStatementTests {
    /// The text of the store's client lookup, as `pg_prepared_statements` shows it.
    static let clientLookup = "FROM clients WHERE id = $1"

    @Test("a statement run again and again is prepared once on its connection, and each run answers for its own binds")
    func preparedOnce() async throws {
        try await withOneConnectionStore { store in
            for index in 0..<12 {
                let client = try #require(try await store.client(id: "client-\(index % 3)"))
                #expect(client.id == "client-\(index % 3)")
                #expect(client.name == "Client \(index % 3)")
            }
            #expect(try await store.client(id: "no-such-client") == nil)
            let prepared = try await Self.preparedStatements(store, containing: Self.clientLookup)
            #expect(prepared.count == 1, "prepared: \(prepared)")
            // Twelve runs and the miss, all under the one name.
            #expect(prepared.first?.runs == 13)
            // Binds that are nil (a public client's secret hash, no back-channel URI) are NULLs of
            // a type the server infers: the three inserts ran under one name too.
            let inserts = try await Self.preparedStatements(store, containing: "INSERT INTO clients")
            #expect(inserts.map(\.runs) == [3], "prepared: \(inserts)")
        }
    }

    @Test("DEALLOCATE ALL on the session: the next run prepares the statement again, outside and inside a transaction")
    func preparedAgainAfterDeallocate() async throws {
        try await withOneConnectionStore { store in
            _ = try await store.client(id: "client-0")
            _ = try await store.engine.read { try await $0.raw("DEALLOCATE ALL").run() }
            #expect(try await Self.preparedStatements(store, containing: Self.clientLookup).isEmpty)
            #expect(try await store.client(id: "client-1")?.name == "Client 1")
            #expect(try await Self.preparedStatements(store, containing: Self.clientLookup).count == 1)

            // Inside a transaction the error aborts it: the engine runs it again from BEGIN, and
            // what the first run wrote was rolled back, so it is written once.
            let lookup: SQLQueryString = "SELECT name FROM clients WHERE id = \(bind: "client-2")"
            _ = try await store.engine.read { try await $0.raw(lookup).all() }
            let runs = Atomic<Int>(0)
            let name = try await store.engine.transaction { database -> String? in
                if runs.add(1, ordering: .relaxed).newValue == 1 {
                    try await database.raw("DEALLOCATE ALL").run()
                }
                try await database.raw("INSERT INTO installation_marks (name, created_at) VALUES (\(bind: "mark"), \(bind: 1))").run()
                return try await database.raw(lookup).first()?.decode(column: "name", as: String.self)
            }
            #expect(name == "Client 2")
            #expect(runs.load(ordering: .relaxed) == 2)
            let marks = try await store.engine.read {
                try await $0.raw("SELECT count(*) AS marks FROM installation_marks WHERE name = \(bind: "mark")").first()?.decode(column: "marks", as: Int.self)
            }
            #expect(marks == 1)
        }
    }

    @Test("the pool replaces a connection the server ended: statements are prepared afresh on the new one")
    func preparedAgainOnNewConnection() async throws {
        try await withOneConnectionStore { store, admin in
            _ = try await store.client(id: "client-0")
            let before = try await Self.backendID(store)
            _ = try await TestPostgres.rows(PostgresQuery(unsafeSQL: "SELECT pg_terminate_backend(\(before))"), in: admin)
            // The pool learns of the closed connection when its socket closes; until then a
            // lease may still get the dead one, which fails as any lost connection does.
            var after = before
            for _ in 0..<100 where after == before {
                if let id = try? await Self.backendID(store) { after = id } else { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(after != before)
            #expect(try await store.client(id: "client-1")?.name == "Client 1")
            #expect(try await Self.preparedStatements(store, containing: Self.clientLookup).count == 1)
        }
    }

    @Test("a statement whose first preparation failed is prepared again once it can succeed")
    func failedPreparationIsNotRemembered() async throws {
        try await withOneConnectionStore { store in
            let select: SQLQueryString = "SELECT note FROM later_notes WHERE id = \(bind: 1)"
            await #expect(throws: PSQLError.self) {
                try await store.engine.read { try await $0.raw(select).all() }
            }
            try await store.engine.read { database in
                try await database.raw("CREATE TABLE later_notes (id BIGINT PRIMARY KEY, note TEXT NOT NULL)").run()
                try await database.raw("INSERT INTO later_notes (id, note) VALUES (\(bind: 1), \(bind: "now it exists"))").run()
            }
            let note = try await store.engine.read { try await $0.raw(select).first()?.decode(column: "note", as: String.self) }
            #expect(note == "now it exists")
        }
    }

    // MARK: - Helpers

    /// A migrated store on a fresh PostgreSQL database, over a pool of one connection, holding
    /// three clients; and the database's URL, for a connection of the test's own.
    private func withOneConnectionStore(_ body: (SQLStore, String) async throws -> Void) async throws {
        try await TestDatabase.with(.postgres) { database in
            let store = SQLStore(engine: try await PostgresEngine.open(url: database.urlText, maximumConnections: 1))
            try await using(store, stop: { await $0.shutdown() }) { store in
                try await store.migrate()
                for index in 0..<3 {
                    try await store.insert(Client(id: "client-\(index)", name: "Client \(index)", secretHash: nil,
                                                  redirectURIs: ["https://app.example/cb"], grantTypes: [.authorizationCode]), at: 1)
                }
                try await body(store, database.urlText)
            }
        }
    }

    private func withOneConnectionStore(_ body: (SQLStore) async throws -> Void) async throws {
        try await withOneConnectionStore { store, _ in try await body(store) }
    }

    /// The session's prepared statements whose text contains `text`, with how often each ran.
    static func preparedStatements(_ store: SQLStore, containing text: String) async throws -> [(name: String, runs: Int)] {
        try await store.engine.read { database in
            try await database.raw("""
                SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements
                WHERE statement LIKE '%' || \(bind: text) || '%' ORDER BY name
                """).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "runs", as: Int.self)) }
        }
    }

    static func backendID(_ store: SQLStore) async throws -> Int {
        try await store.engine.read { try #require(try await $0.raw("SELECT pg_backend_pid() AS id").first()).decode(column: "id", as: Int.self) }
    }
}
