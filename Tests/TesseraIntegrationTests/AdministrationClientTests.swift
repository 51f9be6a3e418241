import Foundation
import SQLKit
import Testing
import TesseraCore
import TesseraServer

/// The administration layer the CLI and the management API share, for clients: paged lists with a
/// total, get, update checked whole, remove with everything the client holds, and secret rotation.
@Suite("Administration: clients (list, show, update, remove, rotate-secret) on SQLite and PostgreSQL")
struct AdministrationClientTests {
    static let orders = "https://api.example.com/orders"

    @Test("clients a page at a time with the total, then show, update and remove: each answer matches the store", arguments: TestEngine.all)
    func roundTrip(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            var added: [String] = []
            for index in 0..<5 {
                added.append(try await administration.addClient(ClientRegistration(name: "App \(index)", redirectURIs: [TestServer.redirectURI])).client.id)
                server.clock.advance(by: 1)
            }
            var listed: [String] = []
            for page in 0..<4 {
                let result = try await administration.clients(try PageRequest(page: page, perPage: 2))
                #expect(result.total == 5)
                #expect(result.items.count == [2, 2, 1, 0][page], "page \(page)")
                listed += result.items.map(\.id)
            }
            #expect(listed == added, "every client once, oldest first")

            let shown = try await administration.client(id: added[1])
            #expect(shown.name == "App 1" && shown.redirectURIs == [TestServer.redirectURI] && !shown.isPublic)

            let updated = try await administration.updateClient(clientID: added[1], ClientUpdate(
                name: "Orders Web", redirectURIs: ["https://orders.example.com/callback"], idTokenAlgorithm: .es256,
                isThirdParty: true, requiresDPoP: true))
            let reread = try await administration.client(id: added[1])
            #expect(reread == updated)
            #expect(reread.name == "Orders Web" && reread.redirectURIs == ["https://orders.example.com/callback"])
            #expect(reread.idTokenAlgorithm == "ES256" && reread.isThirdParty && reread.requiresDPoP)
            #expect(reread.secretHash == shown.secretHash, "an update never touches the secret")

            try await administration.removeClient(id: added[1])
            await #expect(throws: RegistrationError.notFound("there is no client with the id \(added[1])")) {
                try await administration.client(id: added[1])
            }
            #expect(try await administration.clients(PageRequest()).total == 4)
        }
    }

    @Test("PageRequest refuses Auth0's out-of-range values: page below 0, per_page outside 1…100")
    func pageBounds() throws {
        for (page, perPage) in [(-1, 50), (0, 0), (0, 101), (PageRequest.maximumPage + 1, 10)] {
            #expect(throws: RegistrationError.self, "page \(page), per_page \(perPage)") { try PageRequest(page: page, perPage: perPage) }
        }
        #expect(try PageRequest(page: 3, perPage: 100).offset == 300)
        #expect(PageRequest() == (try PageRequest(page: 0, perPage: 50)))
    }

    @Test("an update that breaks a rule is refused whole (nothing written); an unknown client is not found", arguments: TestEngine.all)
    func refusedUpdates(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            let spa = try await server.addClient(isPublic: true)
            let before = try await administration.client(id: spa.id)
            let refused: [ClientUpdate] = [
                ClientUpdate(name: "Renamed", redirectURIs: ["javascript:alert(1)"]),
                ClientUpdate(name: "Renamed", grantTypes: [.clientCredentials]),
                ClientUpdate(name: "Renamed", redirectURIs: []),
                ClientUpdate(name: String(repeating: "x", count: ClientRegistration.maximumNameLength + 1)),
                ClientUpdate(name: "Renamed", backchannelLogout: .on(uri: "http://rp.example.com/logout", sessionRequired: true)),
            ]
            for update in refused {
                await #expect(throws: RegistrationError.self, "\(update)") { try await administration.updateClient(clientID: spa.id, update) }
            }
            #expect(try await administration.client(id: spa.id) == before, "no refused update wrote anything, not even the name")
            await #expect(throws: RegistrationError.notFound("there is no client with the id no-such-client")) {
                try await administration.updateClient(clientID: "no-such-client", ClientUpdate(name: "X"))
            }
        }
    }

    @Test("removing a client revokes what it holds at once: its refresh and access tokens, client grants, consents; it no longer authenticates",
          arguments: TestEngine.all)
    func removeCascades(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            _ = try await administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders")
            try await server.addUser()
            let client = try await server.addThirdPartyClient()
            let other = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            try await server.grant(other, Self.orders, scopes: "read:orders")
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid offline_access"))
            let code = try #require(try await server.decide(browser, on: page, "approve").locationQuery["code"])
            let tokens = try await server.exchange(Secret(code), client: client)
            let kept = try await server.exchange(try await server.code(for: other), client: other)
            let accessToken = try #require(tokens.json["access_token"] as? String)
            #expect(try await server.userInfo(accessToken).status == 200)
            #expect(try await Self.count("grants", clientID: client.id, in: server) == 1)
            #expect(try await Self.count("consents", clientID: client.id, in: server) == 1)

            try await administration.removeClient(id: client.id)
            let refresh = try await server.refresh(try #require(tokens.json["refresh_token"] as? String), client: client)
            #expect(refresh.status == 401 && refresh.oauthError == "invalid_client")
            #expect(try await server.userInfo(accessToken).status == 401, "its access token is revoked at once")
            #expect(try await administration.clientGrants(PageRequest(), clientID: client.id).total == 0)
            #expect(try await Self.count("grants", clientID: client.id, in: server) == 0)
            #expect(try await Self.count("consents", clientID: client.id, in: server) == 0)
            #expect(try await server.refresh(try #require(kept.json["refresh_token"] as? String), client: other).status == 200,
                    "another client's tokens and grant stand")
            #expect(try await administration.clientGrants(PageRequest(), clientID: other.id).total == 1)
            await #expect(throws: RegistrationError.notFound("there is no client with the id \(client.id)")) {
                try await administration.removeClient(id: client.id)
            }
        }
    }

    @Test("rotate-secret: the new 256-bit secret works at the token endpoint and the old one is refused at once (401 invalid_client); it is stored hashed",
          arguments: TestEngine.all)
    func rotateSecret(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.clientCacheLifetime = .seconds(3_600) }) { server in
            let administration = server.provider.administration
            _ = try await administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")
            #expect(try await server.clientCredentials(machine, audience: Self.orders).status == 200, "the old secret works, and is cached")

            let secret = try await administration.rotateClientSecret(id: machine.id)
            server.ledger.record(secret)
            #expect(Base64URL.decode(secret.unredacted)?.count == 32, "256 bits")
            let old = try await server.clientCredentials(machine, audience: Self.orders)
            #expect(old.status == 401 && old.oauthError == "invalid_client", "attack: the replaced secret is refused at once")
            let rotated = TestServer.RegisteredClient(id: machine.id, secret: secret)
            #expect(try await server.clientCredentials(rotated, audience: Self.orders).status == 200)
            let stored = try await server.provider.store.engine.read { database in
                try await database.raw("SELECT secret_hash FROM clients WHERE id = \(bind: machine.id)").first()?.decode(column: "secret_hash", as: String.self)
            }
            #expect(stored == SecretHash(of: secret).hex, "only the SHA-256 is stored")

            let spa = try await server.addClient(isPublic: true)
            await #expect(throws: RegistrationError.invalid("client \(spa.id) is a public client: it has no secret to rotate")) {
                try await administration.rotateClientSecret(id: spa.id)
            }
            await #expect(throws: RegistrationError.notFound("there is no client with the id no-such-client")) {
                try await administration.rotateClientSecret(id: "no-such-client")
            }
        }
    }

    @Test("rotate-secret on another node: this node's cached record goes as soon as PostgreSQL notifies; the old secret is refused, the new one works")
    func rotateSecretOnAnotherNode() async throws {
        try await TestServer.with(.postgres, configure: { $0.clientCacheLifetime = .seconds(3_600) }) { server in
            let client = try await server.addClient()
            #expect(try await ClientCacheTests.authenticates(client, at: server))
            let other = try await Provider.open(configuration: ProviderConfiguration(issuer: server.baseURL), database: server.database.url,
                                                masterKey: try MasterKey(bytes: TestServer.masterKey))
            let secret = try await using(other, stop: { await $0.shutdown() }) {
                try await $0.administration.rotateClientSecret(id: client.id)
            }
            server.ledger.record(secret)
            try await ClientCacheTests.waitUntilRefused(client, at: server)
            #expect(try await ClientCacheTests.authenticates(TestServer.RegisteredClient(id: client.id, secret: secret), at: server))
        }
    }

    /// Rows of `table` that belong to `clientID`.
    static func count(_ table: String, clientID: String, in server: TestServer) async throws -> Int {
        try await server.provider.store.engine.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE client_id = \(bind: clientID)").first()?
                .decode(column: "n", as: Int.self) ?? -1
        }
    }
}
