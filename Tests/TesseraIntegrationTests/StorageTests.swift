import Foundation
import SQLKit
import Testing
import TesseraCore
import TesseraServer

@Suite("Storage on SQLite and PostgreSQL")
struct StorageTests {
    static let allVersions = [1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]

    @Test("migrations are versioned: each step applied once and recorded; a second run applies none", arguments: TestEngine.all)
    func migrationsAreVersioned(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                #expect(try await store.migrate() == Self.allVersions)
                #expect(try await store.migrate() == [])
                let recorded = try await store.engine.read { database in
                    try await database.raw("SELECT version FROM schema_migrations ORDER BY version").all()
                        .map { try $0.decode(column: "version", as: Int.self) }
                }
                #expect(recorded == Self.allVersions)
            }
        }
    }

    /// Runs `tessera arguments…` in `count` processes at once against `database`; their outputs.
    static func concurrently(_ count: Int, _ arguments: [String], on database: TestDatabase) async throws -> [TesseraBinary.Output] {
        let environment = ["TESSERA_DATABASE_URL": database.urlText, "TESSERA_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()]
        return try await withThrowingTaskGroup(of: TesseraBinary.Output.self) { group in
            for _ in 0..<count {
                group.addTask { try await TesseraBinary.run(arguments, environment: environment) }
            }
            let outputs = try await group.reduce(into: []) { $0.append($1) }
            for output in outputs {
                #expect(output.status == 0, "\(output.stderr)")
            }
            return outputs
        }
    }

    @Test("four `tessera migrate` processes on one empty database at once: every step applied exactly once, none fails", arguments: TestEngine.all)
    func concurrentMigrations(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let outputs = try await Self.concurrently(4, ["migrate"], on: database)
            let applied = outputs.flatMap { output in
                output.stdout.components(separatedBy: "applied migrations ").dropFirst().first.map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: ", ").compactMap { Int($0) }
                } ?? []
            }
            #expect(applied.sorted() == Self.allVersions)
        }
    }

    @Test("four processes opening the provider on an empty database at once agree on one current and one next key per algorithm", arguments: TestEngine.all)
    func concurrentKeyPreparation(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            _ = try await Self.concurrently(4, ["clients", "add", "--name", "x", "--redirect-uri", TestServer.redirectURI], on: database)
            let states = try await database.withStore { store in
                try await store.engine.read { database in
                    try await database.raw("SELECT alg, state FROM signing_keys ORDER BY alg, state").all()
                        .map { "\(try $0.decode(column: "alg", as: String.self)) \(try $0.decode(column: "state", as: String.self))" }
                }
            }
            #expect(states == ["ES256 current", "ES256 next", "EdDSA current", "EdDSA next", "RS256 current", "RS256 next"])
        }
    }

    /// The (table, first column) of every index, with whether it is unique.
    static func indexes(_ store: SQLStore) async throws -> Set<String> {
        let query: SQLQueryString = store.engine.flavor == .sqlite
            ? """
              SELECT m.name AS tablename, i.name AS colname, l."unique" AS isunique
              FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i
              WHERE m.type = 'table' AND i.seqno = 0
              """
            : """
              SELECT t.relname AS tablename, a.attname AS colname, CASE WHEN x.indisunique THEN 1 ELSE 0 END AS isunique
              FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
              JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()
              """
        return try await store.engine.read { database in
            Set(try await database.raw(query).all().map { row in
                let unique = try row.decode(column: "isunique", as: Int.self) == 1
                return "\(try row.decode(column: "tablename", as: String.self)).\(try row.decode(column: "colname", as: String.self))"
                    + (unique ? " unique" : "")
            })
        }
    }

    @Test("every lookup on the hot path and every collection query has an index", arguments: TestEngine.all)
    func hotPathIndexes(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                try await store.migrate()
                let indexes = try await Self.indexes(store)
                let expected = [
                    "clients.id unique", "users.email unique", "users.id unique", "login_sessions.id_hash unique",
                    "grants.id unique", "grants.code_hash unique", "grants.sid", "grants.expires_at",
                    "refresh_tokens.token_hash unique", "refresh_tokens.grant_id", "refresh_tokens.expires_at",
                    "access_tokens.token_hash unique", "access_tokens.grant_id", "access_tokens.expires_at",
                    "login_sessions.expires_at", "signing_keys.kid unique",
                ]
                for index in expected {
                    #expect(indexes.contains(index), "no index \(index)")
                }
            }
        }
    }

    /// Rows left in each table the collector sweeps.
    static func counts(_ store: SQLStore) async throws -> [String: Int] {
        try await store.engine.read { database in
            var counts: [String: Int] = [:]
            for table in ["grants", "access_tokens", "refresh_tokens", "login_sessions"] {
                counts[table] = try await database.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    @Test("gc: expired codes, tokens and sessions go, live ones stay and keep working", arguments: TestEngine.all)
    func collection(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let store = server.provider.store
            let browser = Browser()
            let authorize = server.authorizeURL(client: client)
            // t0: one login session, one code redeemed (access 24 h, refresh 30 days), one code never redeemed.
            let redeemed = Secret(try #require(try await server.authorize(browser, authorizeURL: authorize)["code"]))
            _ = try await server.authorize(browser, authorizeURL: authorize)
            let first = try await server.exchange(redeemed, client: client)
            let firstAccess = try #require(first.json["access_token"] as? String)
            let firstRefresh = try #require(first.json["refresh_token"] as? String)
            #expect(try await Self.counts(store) == ["grants": 2, "access_tokens": 1, "refresh_tokens": 1, "login_sessions": 1])
            // …and one failed login, counted against the account and the address.
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: "wrong").status == 401)

            server.clock.advance(by: 120)
            #expect(try await store.collectExpired(at: server.clock.wallClock.now()) == CollectedRows(grants: 1))
            #expect(try await server.userInfo(firstAccess).status == 200)

            server.clock.advance(by: 86_400)
            let refreshed = try await server.refresh(firstRefresh, client: client)
            let secondAccess = try #require(refreshed.json["access_token"] as? String)
            #expect(try await store.collectExpired(at: server.clock.wallClock.now()) == CollectedRows(accessTokens: 1, loginFailures: 2))
            #expect(try await server.userInfo(secondAccess).status == 200)
            TokenEndpointErrorTests.expectError(try await server.refresh(firstRefresh, client: client), "invalid_grant")

            server.clock.advance(by: 7 * 86_400)
            #expect(try await store.collectExpired(at: server.clock.wallClock.now()) == CollectedRows(accessTokens: 1, sessions: 1))
            #expect(try await Self.counts(store) == ["grants": 1, "access_tokens": 0, "refresh_tokens": 2, "login_sessions": 0])

            server.clock.advance(by: 30 * 86_400)
            #expect(try await store.collectExpired(at: server.clock.wallClock.now()) == CollectedRows(refreshTokens: 2, grants: 1))
            #expect(try await Self.counts(store) == ["grants": 0, "access_tokens": 0, "refresh_tokens": 0, "login_sessions": 0])
        }
    }

    @Test("a running server collects expired rows in the background", arguments: TestEngine.all)
    func backgroundCollection(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.collectionInterval = .milliseconds(100) }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            _ = try await server.code(for: client)
            server.clock.advance(by: 8 * 86_400)
            let empty = ["grants": 0, "access_tokens": 0, "refresh_tokens": 0, "login_sessions": 0]
            let deadline = ContinuousClock.now + .seconds(30)
            var counts = try await Self.counts(server.provider.store)
            while counts != empty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                counts = try await Self.counts(server.provider.store)
            }
            #expect(counts == empty, "\(LogCapture.text.split(separator: "\n").filter { $0.contains("tessera.expired") })")
        }
    }

    @Test("`tessera gc` in three processes at once: each expired row removed once, live rows kept, none fails", arguments: TestEngine.all)
    func concurrentCollection(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let now = WallClock.system.now()
            try await database.withStore { store in
                try await store.migrate()
                try await store.insert(Client(id: "c", name: "c", secretHash: nil, redirectURIs: [], grantTypes: []), at: now)
                try await store.engine.transaction { database in
                    for index in 0..<1_300 {
                        let expiresAt = index < 1_200 ? now - 10 : now + 3_600
                        try await database.raw("""
                            INSERT INTO grants (id, client_id, scope, code_hash, created_at, expires_at)
                            VALUES (\(bind: "g\(index)"), 'c', 'openid', \(bind: "h\(index)"), \(bind: now - 100), \(bind: expiresAt))
                            """).run()
                    }
                }
            }
            let outputs = try await Self.concurrently(3, ["gc"], on: database)
            let removed = outputs.compactMap { Int($0.stdout.prefix { $0.isNumber }) }
            #expect(removed.count == 3)
            #expect(removed.reduce(0, +) == 1_200)
            #expect(try await database.withStore { try await Self.counts($0)["grants"] } == 100)
        }
    }
}
