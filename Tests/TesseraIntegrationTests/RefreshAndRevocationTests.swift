import Foundation
import Testing
import TesseraCore

@Suite("Refresh rotation and revocation")
struct RefreshAndRevocationTests {
    /// A grant with a refresh token, as the seed's exchange returns it.
    static func tokens(_ server: TestServer, _ client: TestServer.RegisteredClient) async throws -> (access: String, refresh: String) {
        let response = try await server.exchange(try await server.code(for: client), client: client)
        return (try #require(response.json["access_token"] as? String), try #require(response.json["refresh_token"] as? String))
    }

    @Test("every refresh rotates the refresh token; the old one, used again, revokes the whole family", arguments: TestEngine.all)
    func rotationAndReuse(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let first = try await Self.tokens(server, client)
            let refreshed = try await server.refresh(first.refresh, client: client)
            #expect(refreshed.status == 200)
            let second = try #require(refreshed.json["refresh_token"] as? String)
            let secondAccess = try #require(refreshed.json["access_token"] as? String)
            #expect(second != first.refresh)
            #expect(refreshed.json["id_token"] is String)
            #expect(try await server.userInfo(secondAccess).status == 200)

            let replay = try await server.refresh(first.refresh, client: client)
            TokenEndpointErrorTests.expectError(replay, "invalid_grant")
            TokenEndpointErrorTests.expectError(try await server.refresh(second, client: client), "invalid_grant")
            #expect(try await server.userInfo(secondAccess).status == 401)
            #expect(try await server.userInfo(first.access).status == 401)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("a refreshed id_token carries the same subject and auth_time, and no nonce", arguments: TestEngine.all)
    func refreshedIDToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let first = try await Self.tokens(server, client)
            server.clock.advance(by: 100)
            let refreshed = try await server.refresh(first.refresh, client: client)
            let (claims, _) = try await server.verifyIDToken(try #require(refreshed.json["id_token"] as? String))
            #expect(claims.sub == user.id)
            #expect(claims.nonce == nil)
            #expect(claims.auth_time == server.clock.wallClock.now() - 100)
        }
    }

    @Test("a refresh may narrow the scope but never widen it", arguments: TestEngine.all)
    func scopeNarrowing(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let narrow = try await server.exchange(try await server.code(for: client, scope: "openid offline_access"), client: client)
            let refresh = try #require(narrow.json["refresh_token"] as? String)
            TokenEndpointErrorTests.expectError(try await server.refresh(refresh, client: client, scope: "openid email offline_access"), "invalid_scope")
            let narrower = try await server.refresh(refresh, client: client, scope: "openid offline_access")
            #expect(narrower.status == 200, "a refused widening must not have consumed the token")
        }
    }

    @Test("a refresh narrowed to scope=openid narrows only the access token: the rotated refresh token keeps the grant's whole scope", arguments: TestEngine.all)
    func narrowedRefreshKeepsGrantScope(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let first = try await Self.tokens(server, client)
            let narrowed = try await server.refresh(first.refresh, client: client, scope: "openid")
            #expect(narrowed.status == 200)
            #expect(narrowed.json["scope"] as? String == "openid")
            let narrowedInfo = try await server.userInfo(try #require(narrowed.json["access_token"] as? String))
            #expect(narrowedInfo.status == 200)
            #expect(narrowedInfo.json["email"] == nil, "the narrowed access token no longer reads the email")
            let rotated = try #require(narrowed.json["refresh_token"] as? String, "narrowing must not lose the refresh token")

            let widenedAgain = try await server.refresh(rotated, client: client, scope: "openid profile email offline_access")
            #expect(widenedAgain.status == 200, "the rotated token still holds the grant's original scope")
            #expect(widenedAgain.json["refresh_token"] is String, "offline_access is kept")
            let info = try await server.userInfo(try #require(widenedAgain.json["access_token"] as? String))
            #expect(info.json["email"] as? String == user.email)
        }
    }

    @Test("a refresh token works only for the client it was issued to", arguments: TestEngine.all)
    func otherClient(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let other = try await server.addClient()
            try await server.addUser()
            let tokens = try await Self.tokens(server, client)
            TokenEndpointErrorTests.expectError(try await server.refresh(tokens.refresh, client: other), "invalid_grant")
            #expect(try await server.refresh(tokens.refresh, client: client).status == 200)
        }
    }

    @Test("POST /oauth/revoke of a refresh token: 200, and it no longer refreshes; its access tokens stop too", arguments: TestEngine.all)
    func revokeRefreshToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let tokens = try await Self.tokens(server, client)
            let form = formBody([("token", tokens.refresh), ("token_type_hint", "refresh_token")])
            let revoked = try await send(.POST, server.url("/oauth/revoke"),
                                         headers: [basicAuthorization(id: client.id, secret: client.secret!), form.header], body: form.body)
            #expect(revoked.status == 200)
            TokenEndpointErrorTests.expectError(try await server.refresh(tokens.refresh, client: client), "invalid_grant")
            #expect(try await server.userInfo(tokens.access).status == 401)
        }
    }

    @Test("revocation: unknown tokens are 200, another client's token is untouched, no auth is 401", arguments: TestEngine.all)
    func revocationRules(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let other = try await server.addClient()
            try await server.addUser()
            let tokens = try await Self.tokens(server, client)
            let otherAuth = basicAuthorization(id: other.id, secret: other.secret!)

            let unknown = formBody([("token", "never-issued")])
            #expect(try await send(.POST, server.url("/oauth/revoke"), headers: [otherAuth, unknown.header], body: unknown.body).status == 200)

            let foreign = formBody([("token", tokens.refresh)])
            #expect(try await send(.POST, server.url("/oauth/revoke"), headers: [otherAuth, foreign.header], body: foreign.body).status == 200)
            #expect(try await server.refresh(tokens.refresh, client: client).status == 200, "another client cannot revoke it")

            let unauthenticated = try await send(.POST, server.url("/oauth/revoke"), headers: [foreign.header], body: foreign.body)
            #expect(unauthenticated.status == 401)
            #expect(unauthenticated.oauthError == "invalid_client")
            let missing = try await send(.POST, server.url("/oauth/revoke"), headers: [otherAuth, formBody([]).header], body: "")
            #expect(missing.oauthError == "invalid_request")
            #expect(try await send(.GET, server.url("/oauth/revoke")).status == 405)
        }
    }

    @Test("revoking an access token stops that token only", arguments: TestEngine.all)
    func revokeAccessToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let tokens = try await Self.tokens(server, client)
            let form = formBody([("token", tokens.access), ("token_type_hint", "access_token")])
            #expect(try await send(.POST, server.url("/oauth/revoke"),
                                   headers: [basicAuthorization(id: client.id, secret: client.secret!), form.header], body: form.body).status == 200)
            #expect(try await server.userInfo(tokens.access).status == 401)
            #expect(try await server.refresh(tokens.refresh, client: client).status == 200)
        }
    }
}
