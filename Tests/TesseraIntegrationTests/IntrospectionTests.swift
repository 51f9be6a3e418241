import Foundation
import NIOHTTP1
import Testing
import TesseraCore

extension TestServer {
    func introspect(_ token: String, caller: (String, String)?, hint: String? = nil) async throws -> HTTPResult {
        var pairs = [("token", token)]
        if let hint { pairs.append(("token_type_hint", hint)) }
        let form = formBody(pairs)
        return try await send(.POST, url("/oauth/introspect"), headers: (caller.map { [$0] } ?? []) + [form.header], body: form.body)
    }
}

@Suite("Introspection (RFC 7662)")
struct IntrospectionTests {
    @Test("a live access token, introspected by its own client: active with scope, client_id, sub, exp, iat, aud, token_type", arguments: TestEngine.all)
    func activeAccessToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let tokens = try await server.exchange(try await server.code(for: client), client: client)
            let accessToken = try #require(tokens.json["access_token"] as? String)
            let response = try await server.introspect(accessToken, caller: basicAuthorization(id: client.id, secret: client.secret!))
            #expect(response.status == 200)
            #expect(response.header("Cache-Control") == "no-store")
            let body = response.json
            #expect(body["active"] as? Bool == true)
            #expect(body["scope"] as? String == "openid profile email offline_access")
            #expect(body["client_id"] as? String == client.id)
            #expect(body["sub"] as? String == user.id)
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["aud"] as? String == client.id)
            let now = server.clock.wallClock.now()
            #expect(body["iat"] as? Int == now)
            #expect(body["exp"] as? Int == now + 86400)
        }
    }

    @Test("a refresh token introspects as active until rotated; unknown, expired and revoked tokens are just inactive", arguments: TestEngine.all)
    func inactiveTokens(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let caller = basicAuthorization(id: client.id, secret: client.secret!)
            let tokens = try await server.exchange(try await server.code(for: client), client: client)
            let refresh = try #require(tokens.json["refresh_token"] as? String)
            let access = try #require(tokens.json["access_token"] as? String)
            let live = try await server.introspect(refresh, caller: caller, hint: "refresh_token")
            #expect(live.json["active"] as? Bool == true)
            #expect(live.json["token_type"] as? String == "refresh_token")

            _ = try await server.refresh(refresh, client: client)
            #expect(try await server.introspect(refresh, caller: caller).json as NSDictionary == ["active": false])
            #expect(try await server.introspect("never-issued", caller: caller).json as NSDictionary == ["active": false])
            server.clock.advance(by: 86_401)
            #expect(try await server.introspect(access, caller: caller).json["active"] as? Bool == false)
        }
    }

    @Test("only an authenticated confidential client may introspect", arguments: TestEngine.all)
    func authentication(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let publicClient = try await server.addClient(isPublic: true)
            let none = try await server.introspect("x", caller: nil)
            #expect(none.status == 401)
            #expect(none.oauthError == "invalid_client")
            let form = formBody([("token", "x"), ("client_id", publicClient.id)])
            let asPublic = try await send(.POST, server.url("/oauth/introspect"), headers: [form.header], body: form.body)
            #expect(asPublic.status == 401)
            #expect(try await send(.GET, server.url("/oauth/introspect")).status == 405)
            let discovery = try await send(.GET, server.url("/.well-known/openid-configuration"))
            #expect(discovery.json["introspection_endpoint"] as? String == server.url("/oauth/introspect"))
        }
    }
}
