import Foundation
import Testing
import TesseraCore
import TesseraServer

@Suite("The whole exchange: authorize → login → code → POST /oauth/token → id_token → userinfo")
struct FullFlowTests {
    @Test("form body with client_secret_basic and PKCE; every id_token claim checked against the JWKS", arguments: TestEngine.all)
    func formBodyWithBasicAndPKCE(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let pkce = PKCE()
            let browser = Browser()

            let callback = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client, pkce: pkce))
            #expect(callback["state"] == "state-123")
            #expect(callback["iss"] == server.baseURL)
            let code = Secret(try #require(callback["code"]))

            let response = try await server.exchange(code, client: client, verifier: pkce.verifier)
            #expect(response.status == 200)
            #expect(response.header("Cache-Control") == "no-store")
            #expect(response.header("Pragma") == "no-cache")
            let body = response.json
            #expect(Set(body.keys) == ["access_token", "id_token", "scope", "expires_in", "token_type", "refresh_token"])
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["expires_in"] as? Int == 86400)
            #expect(body["scope"] as? String == "openid profile email offline_access")
            let accessToken = try #require(body["access_token"] as? String)
            let idToken = try #require(body["id_token"] as? String)

            let (claims, header) = try await server.verifyIDToken(idToken)
            let now = server.clock.wallClock.now()
            #expect(header["alg"] as? String == "RS256")
            #expect(header["kid"] as? String == server.provider.keyRing.signingKid(for: .rs256))
            #expect(claims.iss == server.baseURL)
            #expect(claims.sub == user.id)
            #expect(claims.aud == client.id)
            #expect(claims.iat == now)
            #expect(claims.exp == now + 36_000)
            #expect(claims.auth_time == now)
            #expect(claims.nonce == "nonce-456")
            #expect(claims.at_hash == AccessTokenHash.compute(for: Secret(accessToken), algorithm: "RS256"))
            #expect(claims.sid?.isEmpty == false)
            #expect(claims.email == "alice@example.com")
            #expect(claims.email_verified == true)
            #expect(claims.name == "Alice Example")

            let info = try await server.userInfo(accessToken)
            #expect(info.status == 200)
            #expect(info.json["sub"] as? String == user.id)
            #expect(info.json["email"] as? String == "alice@example.com")
            #expect(info.json["email_verified"] as? Bool == true)
            #expect(info.json["name"] as? String == "Alice Example")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("the seed's JSON body with client_secret in it and no PKCE, exactly as its Node and Python code send", arguments: TestEngine.all)
    func seedJSONBody(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            let response = try await server.tokenJSON([
                "grant_type": "authorization_code",
                "client_id": client.id,
                "client_secret": try #require(client.secret).unredacted,
                "code": code.unredacted,
                "redirect_uri": TestServer.redirectURI,
            ])
            #expect(response.status == 200)
            #expect(response.json["token_type"] as? String == "Bearer")
            let idToken = try #require(response.json["id_token"] as? String)
            let (claims, _) = try await server.verifyIDToken(idToken)
            #expect(claims.aud == client.id)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("a browser with a live session gets a code without logging in again", arguments: TestEngine.all)
    func sessionIsReused(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let again = try await browser.get(server.authorizeURL(client: client, state: "second"))
            #expect(again.status == 302)
            #expect(again.locationQuery["state"] == "second")
            #expect(again.locationQuery["code"] != nil)
            let response = try await server.exchange(Secret(try #require(again.locationQuery["code"])), client: client)
            #expect(response.status == 200)
            server.ledger.record(Secret(again.locationQuery["code"] ?? ""))
        }
    }

    @Test("a public client authenticates with none and must use PKCE", arguments: TestEngine.all)
    func publicClient(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(isPublic: true)
            try await server.addUser()
            let pkce = PKCE()
            let code = try await server.code(for: client, pkce: pkce)
            let response = try await server.token([
                ("grant_type", "authorization_code"), ("code", code.unredacted),
                ("redirect_uri", TestServer.redirectURI), ("code_verifier", pkce.verifier.unredacted),
            ], client: client)
            #expect(response.status == 200)
            #expect(response.json["access_token"] is String)
        }
    }

    @Test("no refresh token without offline_access; no id_token without openid", arguments: TestEngine.all)
    func scopesDecideTokens(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let withoutOffline = try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client)
            #expect(withoutOffline.status == 200)
            #expect(withoutOffline.json["refresh_token"] == nil)
            #expect(withoutOffline.json["id_token"] is String)

            let withoutOpenID = try await server.exchange(try await server.code(for: client, scope: "offline_access"), client: client)
            #expect(withoutOpenID.status == 200)
            #expect(withoutOpenID.json["id_token"] == nil)
            #expect(withoutOpenID.json["refresh_token"] is String)
        }
    }
}
