import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraHummingbird

@Suite("A Hummingbird API protected by TesseraHummingbird, with the provider's tokens")
struct ProtectedAPITests {
    static let otherAPI = "https://api.example.com/orders"

    /// The provider with the two APIs and a machine client granted both.
    static func machineClient(_ server: TestServer) async throws -> TestServer.RegisteredClient {
        _ = try await server.provider.administration.addAPI(identifier: ProtectedAPI.identifier, name: "Messages",
                                                            scopes: "read:messages write:messages")
        _ = try await server.provider.administration.addAPI(identifier: Self.otherAPI, name: "Orders", scopes: "read:orders")
        let machine = try await server.addClient(grantTypes: [.clientCredentials])
        try await server.grant(machine, ProtectedAPI.identifier, scopes: "read:messages write:messages")
        try await server.grant(machine, Self.otherAPI, scopes: "read:orders")
        return machine
    }

    static func accessToken(_ response: HTTPResult) throws -> String {
        try #require(response.json["access_token"] as? String, "no access token: \(response.status) \(response.body)")
    }

    @Test("README example: the provider's token for the API is accepted and its subject reaches the route; no token leaks to a log",
          arguments: TestEngine.all)
    func acceptsTheProvidersToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machineClient(server)
            let token = try Self.accessToken(try await server.clientCredentials(machine, audience: ProtectedAPI.identifier, scope: "read:messages"))
            try await ProtectedAPI.with(server) { api in
                let response = try await api.get("/messages", token: token)
                #expect(response.status == 200, "\(response.body)")
                #expect(response.body == "hello \(machine.id)")
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: a token for another audience is 401 invalid_token, with resource_metadata, logged at debug without the token",
          arguments: TestEngine.all)
    func tokenForAnotherAudience(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machineClient(server)
            let token = try Self.accessToken(try await server.clientCredentials(machine, audience: Self.otherAPI))
            try await ProtectedAPI.with(server) { api in
                let response = try await api.get("/messages", token: token)
                #expect(response.status == 401)
                let challenge = try #require(response.header("WWW-Authenticate"))
                #expect(challenge.hasPrefix(#"Bearer error="invalid_token", error_description=""#), "\(challenge)")
                #expect(challenge.hasSuffix(#"resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/messages""#), "\(challenge)")
                #expect(response.json["error"] as? String == "invalid_token")
            }
            // A client's bad token is the client's mistake: logged at debug, with the check's code only.
            let refusals = LogCapture.text.split(separator: "\n").filter { $0.contains("tessera.test.api: access token refused") }
            #expect(refusals.contains { $0.hasPrefix("debug ") && $0.contains("error.code=") }, "\(refusals)")
            #expect(refusals.allSatisfy { $0.hasPrefix("debug ") }, "\(refusals)")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: a token for the API without the route's scope is 403 insufficient_scope", arguments: TestEngine.all)
    func missingScope(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machineClient(server)
            let reader = try Self.accessToken(try await server.clientCredentials(machine, audience: ProtectedAPI.identifier, scope: "read:messages"))
            let writer = try Self.accessToken(try await server.clientCredentials(machine, audience: ProtectedAPI.identifier, scope: "write:messages"))
            try await ProtectedAPI.with(server) { api in
                let refused = try await api.get("/messages/admin", token: reader)
                #expect(refused.status == 403)
                #expect(refused.header("WWW-Authenticate")?.hasPrefix(#"Bearer error="insufficient_scope", scope="write:messages""#) == true)
                let allowed = try await api.get("/messages/admin", token: writer)
                #expect(allowed.status == 200)
            }
        }
    }

    @Test("RFC 9728 §5.1: the 401 without a token names the metadata document, which names the provider, which issues the token the API accepts",
          arguments: TestEngine.all)
    func fromTheChallengeToAToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machineClient(server)
            try await ProtectedAPI.with(server) { api in
                let refused = try await api.get("/messages", token: nil)
                #expect(refused.status == 401)
                let challenge = try #require(refused.header("WWW-Authenticate"))
                #expect(!challenge.contains("error="), "no error code for a request without credentials (RFC 6750 §3.1)")
                let url = try #require(challenge.firstMatch(of: #/resource_metadata="([^"]+)"/#).map { String($0.1) })
                // The identifier's host is not this test's: fetch the same path from the API's address.
                let path = try #require(URLComponents(string: url)?.path)
                let document = try await send(.GET, api.baseURL + path)
                #expect(document.status == 200)
                let metadata = try JSONDecoder().decode(ProtectedResourceMetadata.self, from: Data(document.body.utf8))
                #expect(metadata.resource == ProtectedAPI.identifier)
                let issuer = try #require(metadata.authorizationServers?.first)
                #expect(issuer == server.baseURL)
                let token = try Self.accessToken(try await server.clientCredentials(machine, audience: metadata.resource, scope: "read:messages"))
                #expect(try await api.get("/messages", token: token).status == 200)
            }
        }
    }

    @Test("attack: an id_token presented as an access token is 401 invalid_token; the same login's access token for the API is accepted",
          arguments: TestEngine.all)
    func idTokenAsAccessToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            _ = try await Self.machineClient(server)
            let app = try await server.addClient()
            try await server.grant(app, ProtectedAPI.identifier, scopes: "read:messages")
            let user = try await server.addUser()
            let tokens = try await server.userTokens(client: app, scope: "openid read:messages", audience: ProtectedAPI.identifier)
            let idToken = try #require(tokens.json["id_token"] as? String)
            try await ProtectedAPI.with(server) { api in
                let refused = try await api.get("/messages", token: idToken)
                #expect(refused.status == 401)
                #expect(refused.header("WWW-Authenticate")?.hasPrefix(#"Bearer error="invalid_token""#) == true)
                let accepted = try await api.get("/messages", token: try Self.accessToken(tokens))
                #expect(accepted.status == 200)
                #expect(accepted.body == "hello \(user.id)")
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: a revoked token is 401 invalid_token at an API whose middleware introspects it (RFC 7662), though accepted before",
          arguments: TestEngine.all)
    func revokedTokenIntrospected(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let apiClient = try await Self.machineClient(server)   // the API's own credentials, granted the API
            let app = try await server.addClient()
            try await server.grant(app, ProtectedAPI.identifier, scopes: "read:messages")
            let user = try await server.addUser()
            let token = try Self.accessToken(try await server.userTokens(client: app, scope: "openid read:messages",
                                                                          audience: ProtectedAPI.identifier))
            let introspector = try await server.introspector(as: apiClient, audience: ProtectedAPI.identifier, cacheCapacity: 0)
            try await ProtectedAPI.with(verifier: introspector) { api in
                let accepted = try await api.get("/messages", token: token)
                #expect(accepted.status == 200)
                #expect(accepted.body == "hello \(user.id)")
                try await server.revoke(token, client: app)
                let refused = try await api.get("/messages", token: token)
                #expect(refused.status == 401)
                #expect(refused.header("WWW-Authenticate")?.hasPrefix(#"Bearer error="invalid_token""#) == true)
            }
            server.ledger.expectNoneLogged()
        }
    }
}
