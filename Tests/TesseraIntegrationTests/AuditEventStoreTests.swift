import Foundation
import Testing
import TesseraCore
import TesseraServer

@Suite("The audit trail's storage, on SQLite and PostgreSQL")
struct AuditEventStoreTests {
    /// Runs `body` with a migrated fresh database of `engine` and an audit log on it whose clock
    /// stands at a fixed second the test advances.
    static func withAuditLog(_ engine: TestEngine, _ body: (SQLStore, ManualClock, AuditLog) async throws -> Void) async throws {
        LogCapture.installed
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                try await store.migrate()
                let clock = ManualClock(1_800_000_000)
                try await body(store, clock, AuditLog(store: store, clock: clock.wallClock))
            }
        }
    }

    @Test("a recorded event reads back whole: id, type, time, actor, client, user, address and details", arguments: TestEngine.all)
    func roundTrip(engine: TestEngine) async throws {
        try await Self.withAuditLog(engine) { store, clock, log async throws in
            let recorded = await log.record(AuditEvent(
                type: .tokensIssued, actor: .client(id: "client-1"), clientID: "client-1", userID: "user_1",
                ipAddress: "192.0.2.7", details: ["grant_type": .string("authorization_code"), "dpop": .bool(true)]))
            #expect(recorded.id.hasPrefix("evt_") && recorded.id.count == 4 + 14 + 8)
            #expect(recorded.occurredAt == 1_800_000_000)
            let read = try await store.auditEvents(matching: AuditEventQuery())
            #expect(read == [recorded])
            #expect(read.first?.auth0Code == "seacft")
            #expect(LogCapture.text.contains(recorded.jsonLine), "the event is logged as one JSON line")
        }
    }

    @Test("queries filter by time, type, user and client, newest first, a page at a time, and count without the page", arguments: TestEngine.all)
    func queries(engine: TestEngine) async throws {
        try await Self.withAuditLog(engine) { store, clock, log async throws in
            var recorded: [AuditEvent] = []
            for index in 0..<6 {
                let type: AuditEventType = index.isMultiple(of: 2) ? .loginSucceeded : .loginFailed
                recorded.append(await log.record(AuditEvent(type: type, actor: .user(id: "user_\(index % 3)"),
                                                            clientID: "client-\(index % 2)", userID: "user_\(index % 3)")))
                clock.advance(by: 10)
            }
            let newestFirst = Array(recorded.reversed())
            #expect(try await store.auditEvents(matching: AuditEventQuery()) == newestFirst)
            #expect(try await store.auditEvents(matching: AuditEventQuery(page: 1, perPage: 4)) == Array(newestFirst[4...]))
            #expect(try await store.auditEvents(matching: AuditEventQuery(since: 1_800_000_030)) == Array(newestFirst[..<3]))
            #expect(try await store.auditEvents(matching: AuditEventQuery(types: [.loginFailed])).map(\.type) == [.loginFailed, .loginFailed, .loginFailed])
            #expect(try await store.auditEvents(matching: AuditEventQuery(userID: "user_1")) == [recorded[4], recorded[1]])
            #expect(try await store.auditEvents(matching: AuditEventQuery(clientID: "client-1", perPage: 1)) == [recorded[5]])
            #expect(try await store.countAuditEvents(matching: AuditEventQuery(clientID: "client-1", perPage: 1)) == 3)
            #expect(try await store.countAuditEvents(matching: AuditEventQuery(types: [.tokensIssued])) == 0)
        }
    }

    @Test("deleting before a time removes exactly the older events", arguments: TestEngine.all)
    func retention(engine: TestEngine) async throws {
        try await Self.withAuditLog(engine) { store, clock, log async throws in
            let old = await log.record(AuditEvent(type: .logout, actor: .user(id: "u")))
            clock.advance(by: 100)
            let new = await log.record(AuditEvent(type: .logout, actor: .user(id: "u")))
            #expect(try await store.deleteAuditEvents(before: 1_800_000_100) == 1)
            #expect(try await store.auditEvents(matching: AuditEventQuery()) == [new])
            #expect(old != new)
        }
    }

    @Test("every actor survives being stored as text", arguments: [
        AuditActor.user(id: "user_1"), .client(id: "abc"), .commandLine, .managementAPI(clientID: "m2m"), .system,
    ])
    func actorText(actor: AuditActor) {
        #expect(AuditActor(actor.description) == actor)
    }

    @Test("text no actor prints is no actor")
    func unknownActorText() {
        #expect(AuditActor("root") == nil)
        #expect(AuditActor("user:") == nil)
    }
}
