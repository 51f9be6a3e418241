import Foundation
import SQLKit
import Testing
import TesseraCore
import TesseraServer

/// The administration layer for users: paged lists with a total and an email filter, get, update
/// (claims and password) and removal, which ends everything the user holds.
@Suite("Administration: users (list, show, update, remove) on SQLite and PostgreSQL")
struct AdministrationUserTests {
    @Test("users a page at a time with the total and an email filter, then show by id and email", arguments: TestEngine.all)
    func listAndShow(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            var added: [User] = []
            for name in ["alice", "bob", "carol"] {
                added.append(try await server.addUser(email: "\(name)@example.com", name: name.capitalized))
                server.clock.advance(by: 1)
            }
            let first = try await administration.users(try PageRequest(page: 0, perPage: 2))
            let second = try await administration.users(try PageRequest(page: 1, perPage: 2))
            #expect(first.total == 3 && second.total == 3)
            #expect((first.items + second.items).map(\.id) == added.map(\.id), "every user once, oldest first")
            let filtered = try await administration.users(PageRequest(), email: "  Bob@Example.com ")
            #expect(filtered.items.map(\.id) == [added[1].id] && filtered.total == 1, "the email is compared as stored")
            #expect(try await administration.users(PageRequest(), email: "nobody@example.com").total == 0)
            #expect(try await administration.user(id: added[2].id) == added[2])
            #expect(try await administration.user(email: "CAROL@example.com") == added[2])
            await #expect(throws: RegistrationError.notFound("there is no user with the id user_nobody")) {
                try await administration.user(id: "user_nobody")
            }
        }
    }

    @Test("update by id: claims change with a later updated_at; a new password logs in and the old one no longer does", arguments: TestEngine.all)
    func update(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            let user = try await server.addUser()
            let client = try await server.addClient()
            server.clock.advance(by: 60)
            let newPassword = "a quite different passphrase"
            server.ledger.record(Secret(newPassword))
            let updated = try await administration.updateUser(id: user.id, profile: try ProfileChange(name: "Alice B.", claims: ["locale=en-GB"]),
                                                              password: Secret(newPassword))
            #expect(updated.name == "Alice B." && updated.claims["locale"] == .string("en-GB"))
            #expect(updated.updatedAt.map { $0 > (user.updatedAt ?? .max) } == true)
            #expect(try await administration.user(id: user.id) == updated)
            #expect(updated.passwordHash != user.passwordHash && updated.passwordHash.hasPrefix("$2"), "bcrypt, never the password")

            _ = try await server.code(for: client, password: newPassword)
            let refused = try await server.logIn(Browser(), server.authorizeURL(client: client), password: TestServer.password)
            #expect(refused.status != 302, "the old password no longer logs in")
        }
    }

    @Test("a refused user update writes nothing: nothing to change, a short password, an unknown id", arguments: TestEngine.all)
    func refusedUpdates(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            let user = try await server.addUser()
            await #expect(throws: RegistrationError.self) { try await administration.updateUser(id: user.id, profile: ProfileChange()) }
            await #expect(throws: RegistrationError.invalid("the password must be at least 8 characters")) {
                try await administration.updateUser(id: user.id, profile: try ProfileChange(name: "Renamed"), password: Secret("short"))
            }
            #expect(try await administration.user(id: user.id) == user, "not even the name changed")
            await #expect(throws: RegistrationError.notFound("there is no user with the id user_nobody")) {
                try await administration.updateUser(id: "user_nobody", profile: try ProfileChange(name: "X"))
            }
        }
    }

    @Test("removing a user ends their sessions (clients told by back-channel logout) and revokes their grants and tokens",
          arguments: TestEngine.all)
    func removeEndsEverything(engine: TestEngine) async throws {
        try await BackchannelLogoutTests.withClient(engine) { server, receiver, client in
            let administration = server.provider.administration
            let alice = try #require(try await administration.users(PageRequest(), email: "alice@example.com").items.first)
            let bob = try await server.addUser(email: "bob@example.com")
            let tokens = try await server.exchange(try await server.code(for: client), client: client)
            let bobs = try await server.exchange(try await server.code(for: client, email: "bob@example.com"), client: client)
            #expect(try await Self.count("login_sessions", userID: alice.id, in: server) == 1)

            try await administration.removeUser(id: alice.id)
            let logout = try await server.verifyLogoutToken(try #require(try await receiver.waitForTokens(1).first)).claims
            #expect(logout.sub == alice.id && logout.aud == client.id)
            #expect(try await server.refresh(try #require(tokens.json["refresh_token"] as? String), client: client).oauthError == "invalid_grant")
            #expect(try await server.userInfo(try #require(tokens.json["access_token"] as? String)).status == 401)
            for table in ["login_sessions", "grants"] {
                #expect(try await Self.count(table, userID: alice.id, in: server) == 0, "\(table)")
            }
            #expect(try await server.refresh(try #require(bobs.json["refresh_token"] as? String), client: client).status == 200,
                    "another user's tokens stand")
            #expect(receiver.tokens.count == 1, "only Alice's session was ended")
            #expect(try await administration.user(id: bob.id) == bob)
            await #expect(throws: RegistrationError.notFound("there is no user with the id \(alice.id)")) {
                try await administration.removeUser(id: alice.id)
            }
        }
    }

    /// Rows of `table` that belong to `userID`.
    static func count(_ table: String, userID: String, in server: TestServer) async throws -> Int {
        try await server.provider.store.engine.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE user_id = \(bind: userID)").first()?
                .decode(column: "n", as: Int.self) ?? -1
        }
    }
}
