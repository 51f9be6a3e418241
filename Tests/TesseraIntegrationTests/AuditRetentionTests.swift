import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Issue 15: audit events are kept for `--audit-retention-days` (90 by default), then deleted by
/// the collection every node runs and by `tessera gc`.
@Suite("Audit event retention")
struct AuditRetentionTests {
    static let day = 86_400

    @Test("the background collection deletes events older than the retention and keeps newer ones, and says how many it removed",
          arguments: TestEngine.all)
    func collectionHonoursRetention(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.auditRetentionDays = 30 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: "wrong").status == 401)
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "bob@example.com", password: "wrong").status == 401)
            server.clock.advance(by: 20 * Self.day)
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "carol@example.com", password: "wrong").status == 401)
            let kept = try #require(try await server.events().first)
            let dayZero = try await server.events().count - 1
            #expect(dayZero >= 2, "at least the two failed logins of day 0")

            server.clock.advance(by: 10 * Self.day)
            #expect(try await server.provider.collectExpired().auditEvents == 0, "exactly 30 days old: still kept")
            server.clock.advance(by: 1)
            let removed = try await server.provider.collectExpired()
            #expect(removed.auditEvents == dayZero, "every event of day 0")
            #expect(removed.description.contains("\(dayZero) audit events past their retention"), "\(removed)")
            #expect(try await server.events() == [kept], "the event of day 20 stays")
        }
    }

    @Test("a provider keeps events 90 days unless told otherwise", arguments: [TestEngine.sqlite])
    func defaultRetention(engine: TestEngine) async throws {
        #expect(ProviderConfiguration(issuer: "https://id.example.com").auditRetentionDays == 90)
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: "wrong").status == 401)
            let recorded = try await server.events().count
            server.clock.advance(by: 90 * Self.day)
            #expect(try await server.provider.collectExpired().auditEvents == 0)
            server.clock.advance(by: 1)
            #expect(try await server.provider.collectExpired().auditEvents == recorded)
            #expect(try await server.events().isEmpty)
        }
    }

    @Test("tessera gc --audit-retention-days N deletes older events and keeps newer ones; out-of-range values are refused", arguments: TestEngine.all)
    func gcCommand(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let now = Int(Date().timeIntervalSince1970)
            try await database.withStore { store in
                try await store.migrate()
                for (id, age) in [("evt_old", 40), ("evt_recent", 10)] {
                    try await store.insert(AuditEvent(id: id, type: .loginFailed, occurredAt: now - age * Self.day, actor: .system,
                                                      clientID: nil, userID: nil, ipAddress: nil, details: [:]))
                }
            }
            try await withTemporaryDirectory { directory in
                for bad in ["0", "3651", "ninety"] {
                    let refused = try await TesseraBinary.run(["gc", "--audit-retention-days", bad, "--database", database.urlText], directory: directory)
                    refused.expectRefusal("gc --audit-retention-days \(bad)")
                }
                let kept = try await TesseraBinary.run(["gc", "--database", database.urlText], directory: directory)
                #expect(kept.status == 0, "\(kept.stderr)")
                #expect(kept.stdout.contains(" 0 audit events past their retention"), "90 days by default: \(kept.stdout)")
                let gc = try await TesseraBinary.run(["gc", "--audit-retention-days", "30", "--database", database.urlText], directory: directory)
                #expect(gc.status == 0, "\(gc.stderr)")
                #expect(gc.stdout.hasPrefix("1 expired rows removed"), "\(gc.stdout)")
                #expect(gc.stdout.contains(" 1 audit events past their retention"), "\(gc.stdout)")
            }
            try await database.withStore { store in
                let left = try await store.auditEvents(matching: AuditEventQuery())
                #expect(left.map(\.id) == ["evt_recent"])
            }
        }
    }

    @Test("serve --audit-retention-days refuses a value outside 1…3650 before it opens anything")
    func serveRefusesRange() async throws {
        try await withTemporaryDirectory { directory in
            for bad in ["0", "3651"] {
                let refused = try await TesseraBinary.run(["serve", "--audit-retention-days", bad, "--database", "sqlite://\(directory.path)/t.sqlite"],
                                                          directory: directory)
                refused.expectRefusal("serve --audit-retention-days \(bad)")
                #expect(refused.stderr.contains("between 1 and 3650"), "\(refused.stderr)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing was opened")
        }
    }
}
