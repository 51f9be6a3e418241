import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Issue 15: one audit trail however many nodes serve — each node writes to the shared database,
/// and any node (or `tessera events list` anywhere) reads what every node recorded.
@Suite("Audit events across nodes")
struct AuditMultiNodeTests {
    @Test("events written by one node are read by another on the same database, newest first across both", arguments: TestEngine.all)
    func sharedTrail(engine: TestEngine) async throws {
        try await TestServer.with(engine) { first in
            let client = try await first.addClient()
            let alice = try await first.addUser()
            let second = try await TestServer.start(engine, database: first.database, clock: first.clock)
            try await using(second, stop: { await $0.stop() }) { second in
                // Node 1: a login and a code exchange.
                let tokens = try await first.exchange(try await first.code(for: client), client: client)
                let refreshToken = try #require(tokens.json["refresh_token"] as? String)
                first.clock.advance(by: 60)
                // Node 2: the refresh of node 1's token, and a failed login.
                #expect(try await second.refresh(refreshToken, client: client).status == 200)
                #expect(try await LoginDefenceTests.attempt(second, client: client, email: "alice@example.com", password: "wrong").status == 401)

                for node in [first, second] {
                    // (Administrative events — the client and user added — are another suite's.)
                    let trail = try await node.events(.loginFailed, .tokensIssued, .loginSucceeded)
                    #expect(trail.map(\.type) == [.loginFailed, .tokensIssued, .tokensIssued, .loginSucceeded],
                            "every node's events, newest first: \(trail.map(\.jsonLine))")
                    #expect(trail.allSatisfy { $0.userID == alice.id && $0.clientID == client.id })
                    #expect(Set(trail.map(\.id)).count == trail.count, "ids never collide across nodes")
                }
                let byRefresh = try #require(try await first.events(.tokensIssued).first)
                #expect(byRefresh.detail("grant_type") == "refresh_token", "node 1 reads node 2's event")
                #expect(byRefresh.occurredAt == first.clock.wallClock.now())
                let filtered = try await first.provider.store.auditEvents(matching: AuditEventQuery(since: first.clock.wallClock.now(), userID: alice.id))
                #expect(filtered.map(\.type) == [.loginFailed, .tokensIssued], "node 2's events, by time and user")
                #expect(try await second.provider.store.countAuditEvents(matching: AuditEventQuery(types: [.tokensIssued])) == 2)
            }
        }
    }
}
