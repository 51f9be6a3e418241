import Foundation
import Testing
import TesseraCore

@Suite("userinfo, discovery, JWKS and health")
struct ResourceEndpointTests {
    @Test("userinfo without a token: 401 with a bare Bearer challenge", arguments: TestEngine.all)
    func noToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let response = try await send(.GET, server.url("/userinfo"))
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        }
    }

    @Test("userinfo with a bad token: 401 invalid_token in the challenge and the body", arguments: TestEngine.all)
    func badToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let response = try await server.userInfo("not-a-token")
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
            #expect(response.oauthError == "invalid_token")
            let basic = try await send(.GET, server.url("/userinfo"), headers: [("Authorization", "Basic abc")])
            #expect(basic.status == 401)
        }
    }

    @Test("userinfo with an expired token: 401; without openid: 403 insufficient_scope", arguments: TestEngine.all)
    func expiredAndScope(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let noOpenID = try await server.exchange(try await server.code(for: client, scope: "email"), client: client)
            let forbidden = try await server.userInfo(try #require(noOpenID.json["access_token"] as? String))
            #expect(forbidden.status == 403)
            #expect(forbidden.oauthError == "insufficient_scope")

            let response = try await server.exchange(try await server.code(for: client), client: client)
            let accessToken = try #require(response.json["access_token"] as? String)
            server.clock.advance(by: 86_400)
            #expect(try await server.userInfo(accessToken).status == 401)
        }
    }

    @Test("userinfo releases claims by scope", arguments: TestEngine.all)
    func claimsByScope(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let response = try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client)
            let info = try await server.userInfo(try #require(response.json["access_token"] as? String))
            #expect(info.json["email"] as? String == "alice@example.com")
            #expect(info.json["name"] == nil)
        }
    }

    @Test("discovery lists the issuer, Auth0's endpoint paths and what is supported", arguments: TestEngine.all)
    func discovery(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let response = try await send(.GET, server.url("/.well-known/openid-configuration"))
            #expect(response.status == 200)
            let document = response.json
            #expect(document["issuer"] as? String == server.baseURL)
            #expect(document["authorization_endpoint"] as? String == server.url("/authorize"))
            #expect(document["token_endpoint"] as? String == server.url("/oauth/token"))
            #expect(document["userinfo_endpoint"] as? String == server.url("/userinfo"))
            #expect(document["revocation_endpoint"] as? String == server.url("/oauth/revoke"))
            #expect(document["jwks_uri"] as? String == server.url("/.well-known/jwks.json"))
            #expect(document["response_types_supported"] as? [String] == ["code"])
            #expect(document["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(document["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token", "client_credentials"])
            #expect(document["introspection_endpoint"] as? String == server.url("/oauth/introspect"))
            #expect(document["end_session_endpoint"] as? String == server.url("/oidc/logout"))
            #expect(document["token_endpoint_auth_methods_supported"] as? [String] == ["client_secret_basic", "client_secret_post", "none"])
            #expect((document["id_token_signing_alg_values_supported"] as? [String])?.contains("RS256") == true)
            #expect(document["subject_types_supported"] as? [String] == ["public"])
            #expect((document["scopes_supported"] as? [String])?.contains("openid") == true)
            #expect((document["claims_supported"] as? [String])?.contains("email") == true)
            #expect(document["authorization_response_iss_parameter_supported"] as? Bool == true)
            let rfc8414 = try await send(.GET, server.url("/.well-known/oauth-authorization-server"))
            #expect(rfc8414.body == response.body)
        }
    }

    @Test("the JWKS publishes every key with kid, use and alg, and the signing key among them", arguments: TestEngine.all)
    func jwks(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let response = try await send(.GET, server.url("/.well-known/jwks.json"))
            let keys = try #require(response.json["keys"] as? [[String: Any]])
            #expect(!keys.isEmpty)
            for key in keys {
                #expect(key["kid"] is String)
                #expect(key["use"] as? String == "sig")
                #expect(key["alg"] is String)
                #expect(key["d"] == nil, "no private key material")
            }
            let kids = keys.compactMap { $0["kid"] as? String }
            #expect(kids.contains(try #require(server.provider.keyRing.signingKid(for: .rs256))))
        }
    }

    @Test("healthz answers while the process runs; readyz while the database does", arguments: TestEngine.all)
    func health(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let live = try await send(.GET, server.url("/healthz"))
            let ready = try await send(.GET, server.url("/readyz"))
            #expect(live.status == 200)
            #expect(ready.status == 200)
        }
    }
}
