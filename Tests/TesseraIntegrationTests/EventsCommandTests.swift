import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Issue 15: `tessera events list` reads the audit trail a running provider writes, from the same
/// database: a table by default, JSON lines with `--json`, filtered by time, type, user and client.
@Suite("tessera events list")
struct EventsCommandTests {
    /// A server with a story in its trail: at t0 the clients, alice and the API are set up, alice
    /// logs in at `client` and gets tokens, and someone fails as mallory; an hour later (`later`)
    /// the machine client gets a token, the only event then.
    static func withTrail(_ engine: TestEngine,
                          _ body: (TestServer, _ client: TestServer.RegisteredClient, _ machine: TestServer.RegisteredClient, _ alice: User, _ later: Int) async throws -> Void)
        async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let alice = try await server.addUser()
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.addAPIs()
            try await server.grant(machine, TestServer.ordersAPI, scopes: "read:orders")
            #expect(try await server.exchange(try await server.code(for: client), client: client).status == 200)
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "mallory@example.com", password: "guess").status == 401)
            server.clock.advance(by: 3600)
            #expect(try await server.clientCredentials(machine, audience: TestServer.ordersAPI).status == 200)
            try await body(server, client, machine, alice, server.clock.wallClock.now())
        }
    }

    /// `tessera events list ARGUMENTS --database (the server's)`, expected to succeed.
    static func list(_ arguments: [String], on server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let output = try await TesseraBinary.run(["events", "list"] + arguments + ["--database", server.database.urlText])
        #expect(output.status == 0, "events list \(arguments): \(output.stderr)", sourceLocation: sourceLocation)
        return output.stdout
    }

    /// The `--json` lines, parsed.
    static func json(_ arguments: [String], on server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        try await list(arguments + ["--json"], on: server, sourceLocation: sourceLocation).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)", sourceLocation: sourceLocation)
        }
    }

    /// Checks that `events list ARGUMENTS --json` prints what the store's `query` selects, and returns it.
    @discardableResult
    static func expectSame(_ arguments: [String], as query: AuditEventQuery, on server: TestServer,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> [AuditEvent] {
        var query = query
        query.perPage = 1_000
        let expected = try await server.provider.store.auditEvents(matching: query)
        let printed = try await list(arguments + ["--json", "--limit", "1000"], on: server, sourceLocation: sourceLocation)
        #expect(!expected.isEmpty, "the filter selects something", sourceLocation: sourceLocation)
        #expect(printed == expected.map { $0.jsonLine + "\n" }.joined(), "events list \(arguments)", sourceLocation: sourceLocation)
        return expected
    }

    @Test("the default table: a header, then time, type, actor, client, user and address of every event, newest first", arguments: TestEngine.all)
    func table(engine: TestEngine) async throws {
        try await Self.withTrail(engine) { server, client, machine, alice, later in
            let lines = try await Self.list([], on: server).split(separator: "\n").map(String.init)
            let stored = try await server.events()
            #expect(lines.count == stored.count + 1)
            #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["TIME", "TYPE", "ACTOR", "CLIENT", "USER", "IP"])
            let newest = try #require(lines.dropFirst().first).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(newest == [EventTime.iso(later), "tokens.issued", "client:\(machine.id)", machine.id, "-", "127.0.0.1"])
            let login = try #require(lines.first { $0.contains(" login.succeeded ") }).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(login == [EventTime.iso(later - 3600), "login.succeeded", "user:\(alice.id)", client.id, alice.id, "127.0.0.1"])
            let failed = try #require(lines.first { $0.contains(" login.failed ") }).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(failed == [EventTime.iso(later - 3600), "login.failed", "client:\(client.id)", client.id, "-", "127.0.0.1"])
            // Aligned: every row's type starts under the header's TYPE.
            let typeColumn = try #require(lines[0].range(of: "TYPE")).lowerBound.utf16Offset(in: lines[0])
            for line in lines.dropFirst() {
                let rest = String(line.utf16.dropFirst(typeColumn)) ?? ""
                #expect(AuditEventType.allCases.contains { rest.hasPrefix($0.rawValue + " ") }, "\(line)")
            }
        }
    }

    @Test("--json: one object per line, exactly the event's audit log line; --limit keeps the newest", arguments: TestEngine.all)
    func jsonLines(engine: TestEngine) async throws {
        try await Self.withTrail(engine) { server, client, machine, alice, later in
            let stored = try await server.events()
            let printed = try await Self.list(["--json"], on: server)
            #expect(printed == stored.map { $0.jsonLine + "\n" }.joined(), "the same JSON as the log line, newest first")
            let objects = try await Self.json(["--limit", "2"], on: server)
            #expect(objects.map { $0["audit_event"] as? String } == stored.prefix(2).map(\.id))
            let machineToken = try #require(objects.first)
            #expect(machineToken["type"] as? String == "tokens.issued")
            #expect(machineToken["occurred_at"] as? Int == later)
            #expect(machineToken["actor"] as? String == "client:\(machine.id)")
            #expect(machineToken["client_id"] as? String == machine.id)
            #expect(machineToken["ip"] as? String == "127.0.0.1")
            #expect((machineToken["details"] as? [String: Any])?["grant_type"] as? String == "client_credentials")
            try await server.expectNoSecretInEvents()
            let everything = try await Self.list(["--json"], on: server)
            #expect(server.ledger.all.allSatisfy { !everything.contains($0) }, "no secret printed")
        }
    }

    @Test("filters: --type (repeatable), --user by email or id, --client, --since as Unix seconds or ISO 8601", arguments: TestEngine.all)
    func filters(engine: TestEngine) async throws {
        try await Self.withTrail(engine) { server, client, machine, alice, later in
            let types = try await Self.json(["--type", "login.failed", "--type", "login.succeeded"], on: server).map { $0["type"] as? String }
            #expect(types == ["login.failed", "login.succeeded"])
            for user in ["alice@example.com", "Alice@Example.com", alice.id] {
                let printed = try await Self.expectSame(["--user", user], as: AuditEventQuery(userID: alice.id), on: server)
                #expect(Set(printed.map(\.type)).isSuperset(of: [.tokensIssued, .loginSucceeded]), "--user \(user)")
                #expect(!printed.contains { $0.type == .loginFailed }, "mallory's failure is no one's")
            }
            let machineEvents = try await Self.expectSame(["--client", machine.id], as: AuditEventQuery(clientID: machine.id), on: server)
            #expect(machineEvents.contains { $0.type == .tokensIssued })
            let clientEvents = try await Self.expectSame(["--client", client.id], as: AuditEventQuery(clientID: client.id), on: server)
            #expect(Set(clientEvents.map(\.type)).isSuperset(of: [.loginSucceeded, .tokensIssued, .loginFailed]))
            for since in [String(later), EventTime.iso(later), EventTime.iso(later).replacingOccurrences(of: "Z", with: ".000+00:00")] {
                let events = try await Self.json(["--since", since], on: server)
                #expect(events.map { $0["type"] as? String } == ["tokens.issued"], "--since \(since)")
            }
            #expect(try await Self.json(["--since", "1970-01-01"], on: server).count == (try await server.events().count))
            let combined = try await Self.json(["--since", String(later - 3600), "--type", "tokens.issued", "--client", client.id], on: server)
            #expect(combined.map { $0["user_id"] as? String } == [alice.id])
            #expect(try await Self.list(["--type", "logout"], on: server).split(separator: "\n").count == 1, "only the header when nothing matches")
        }
    }

    @Test("bad input: one line on stderr and a non-zero exit — an unknown --type lists the valid ones", arguments: TestEngine.all)
    func refusals(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let unknownType = try await TesseraBinary.run(["events", "list", "--type", "login.maybe", "--database", database.urlText])
            unknownType.expectRefusal("--type login.maybe")
            for type in AuditEventType.allCases {
                #expect(unknownType.stderr.contains(type.rawValue), "the valid types are listed: \(type.rawValue)")
            }
            for arguments in [["--since", "yesterday"], ["--since", "2026-13-45T00:00:00Z"], ["--limit", "0"], ["--limit", "1001"],
                              ["--user", "nobody@example.com"], ["--user", ""]] {
                let refused = try await TesseraBinary.run(["events", "list"] + arguments + ["--database", database.urlText])
                refused.expectRefusal("events list \(arguments)")
            }
        }
    }
}

/// Times as `events list` prints them and `--since` reads them.
enum EventTime {
    static func iso(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
