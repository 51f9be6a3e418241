import Foundation
import Testing
import TesseraCore
import TesseraServer

/// RFC 7591 dynamic client registration at `POST /oauth/register`, over a real socket on both
/// engines: what a client may register, what it gets back, and every refusal's code.
@Suite("RFC 7591: dynamic client registration")
struct DynamicRegistrationTests {
    @Test("RFC 7591 §3.2.1: an open registration answers 201 with the client's credentials once, its metadata, and no-store",
          arguments: TestEngine.all)
    func registrationAnswers201(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let response = try await server.register([
                "client_name": "Notes for Alice", "redirect_uris": ["https://notes.example/callback", "com.example.notes:/oauth"],
                "grant_types": ["authorization_code", "refresh_token"], "scope": "openid profile",
                "post_logout_redirect_uris": ["https://notes.example/bye"], "id_token_signed_response_alg": "ES256",
                "software_statement_extra": "<b>ignored</b>", "logo_uri": "https://notes.example/logo.png",
            ])
            #expect(response.status == 201, "\(response.body)")
            #expect(response.header("Cache-Control") == "no-store")
            let json = response.json
            let clientID = try #require(json["client_id"] as? String)
            let secret = try #require(json["client_secret"] as? String)
            #expect(secret.count >= 43, "a generated 256-bit secret")
            #expect(json["client_secret_expires_at"] as? Int == 0)
            #expect((json["client_id_issued_at"] as? Int ?? 0) > 0)
            #expect((json["registration_access_token"] as? String ?? "").count >= 43)
            #expect(json["registration_client_uri"] as? String == server.url("/oauth/register/\(clientID)"))
            #expect(json["client_name"] as? String == "Notes for Alice")
            #expect(json["redirect_uris"] as? [String] == ["https://notes.example/callback", "com.example.notes:/oauth"])
            #expect(json["grant_types"] as? [String] == ["authorization_code", "refresh_token"])
            #expect(json["response_types"] as? [String] == ["code"])
            #expect(json["token_endpoint_auth_method"] as? String == "client_secret_basic")
            #expect(json["id_token_signed_response_alg"] as? String == "ES256")
            #expect(json["scope"] as? String == "openid profile")
            #expect(json["post_logout_redirect_uris"] as? [String] == ["https://notes.example/bye"])
            #expect(json["software_statement_extra"] == nil && json["logo_uri"] == nil, "unknown metadata is ignored, never echoed (RFC 7591 §2)")

            let stored = try #require(try await server.provider.store.client(id: clientID))
            #expect(stored.isThirdParty, "a self-registered client is third-party")
            #expect(stored.secretHash?.matches(SecretHash(of: Secret(secret))) == true, "the secret is stored only as its hash")
            #expect(stored.idTokenAlgorithm == "ES256")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 8252 §7.1, §7.3: a native app registers with none, a loopback http and a private-use redirect URI, and gets no secret",
          arguments: TestEngine.all)
    func nativeClientRegisters(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let response = try await server.register([
                "client_name": "CLI", "token_endpoint_auth_method": "none",
                "redirect_uris": ["http://127.0.0.1:53682/callback", "http://[::1]:53682/cb", "http://localhost/cb", "org.example.cli:/cb"],
            ])
            #expect(response.status == 201, "\(response.body)")
            #expect(response.json["client_secret"] == nil)
            #expect(response.json["client_secret_expires_at"] == nil)
            #expect(response.json["token_endpoint_auth_method"] as? String == "none")
            let clientID = try #require(response.json["client_id"] as? String)
            let stored = try #require(try await server.provider.store.client(id: clientID))
            #expect(stored.isPublic)
        }
    }

    @Test("attack: registration with a redirect URI carrying a fragment is invalid_redirect_uri", arguments: TestEngine.all)
    func fragmentRefused(engine: TestEngine) async throws {
        try await expectRefused(engine, ["redirect_uris": ["https://app.example/cb#token"]], "invalid_redirect_uri")
    }

    @Test("attack: registration with a javascript: redirect URI is invalid_redirect_uri", arguments: TestEngine.all)
    func javascriptRefused(engine: TestEngine) async throws {
        try await expectRefused(engine, ["redirect_uris": ["javascript:alert(document.cookie)//"]], "invalid_redirect_uri")
    }

    @Test("attack: registration with a data: redirect URI is invalid_redirect_uri", arguments: TestEngine.all)
    func dataRefused(engine: TestEngine) async throws {
        try await expectRefused(engine, ["redirect_uris": ["data:text/html,<script>alert(1)</script>"]], "invalid_redirect_uri")
    }

    @Test("attack: registration with a non-loopback http:// redirect URI is invalid_redirect_uri", arguments: TestEngine.all)
    func plainHTTPRefused(engine: TestEngine) async throws {
        try await expectRefused(engine, ["redirect_uris": ["http://attacker.example/cb"]], "invalid_redirect_uri")
    }

    @Test("attack: a redirect URI with user information, a file: or vbscript: scheme, or a bare custom scheme is invalid_redirect_uri",
          arguments: TestEngine.all)
    func otherRedirectURIsRefused(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            for uri in ["https://app.example@attacker.example/cb", "file:///etc/passwd", "vbscript:msgbox(1)", "myapp:/cb", "/relative/cb"] {
                try await server.register(["redirect_uris": [uri]]).expectRegistrationError("invalid_redirect_uri")
            }
            try await server.register(["client_name": "No redirect"]).expectRegistrationError("invalid_redirect_uri")
            try await server.register(["redirect_uris": "https://app.example/cb"]).expectRegistrationError("invalid_redirect_uri")
            #expect(try await server.clientCount() == 0, "no refused registration wrote anything")
        }
    }

    @Test("RFC 7591 §2: an unknown grant type is invalid_client_metadata", arguments: TestEngine.all)
    func unknownGrantTypeRefused(engine: TestEngine) async throws {
        try await expectRefused(engine, ["grant_types": ["authorization_code", "urn:example:magic"]], "invalid_client_metadata")
    }

    @Test("attack: a self-registered client asking for client_credentials is refused: machine access needs an administrator's client grant",
          arguments: TestEngine.all)
    func clientCredentialsRefused(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let response = try await server.register(["redirect_uris": [TestServer.redirectURI], "grant_types": ["client_credentials"]])
            response.expectRegistrationError("invalid_client_metadata")
            #expect((response.json["error_description"] as? String ?? "").contains("administrator"), "\(response.body)")
            #expect(try await server.clientCount() == 0)
        }
    }

    @Test("RFC 7591 §2: response_types but code, an unknown token_endpoint_auth_method or id_token alg, a malformed scope are invalid_client_metadata",
          arguments: TestEngine.all)
    func unsupportedMetadataRefused(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let base: [String: Any] = ["redirect_uris": [TestServer.redirectURI]]
            let refused: [[String: Any]] = [
                ["response_types": ["token"]], ["response_types": ["code", "id_token"]],
                ["token_endpoint_auth_method": "private_key_jwt"], ["id_token_signed_response_alg": "HS256"],
                ["id_token_signed_response_alg": "none"], ["scope": "openid \"quoted\""], ["grant_types": ["refresh_token"]],
                ["client_name": 42], ["post_logout_redirect_uris": ["javascript:alert(1)"]],
                ["backchannel_logout_uri": "http://attacker.example/logout"], ["backchannel_logout_session_required": "yes"],
            ]
            for extra in refused {
                try await server.register(base.merging(extra) { $1 }).expectRegistrationError("invalid_client_metadata")
            }
            #expect(try await server.clientCount() == 0)
        }
    }

    @Test("RFC 7591 §2: a client_name over 100 characters or with a control character is invalid_client_metadata", arguments: TestEngine.all)
    func clientNameBounded(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            for name in [String(repeating: "n", count: 101), "Evil\nApp", "Bell\u{7}", "   "] {
                try await server.register(["client_name": name, "redirect_uris": [TestServer.redirectURI]])
                    .expectRegistrationError("invalid_client_metadata")
            }
            #expect(try await server.registerClient(["client_name": String(repeating: "n", count: 100)]).id.isEmpty == false)
        }
    }

    @Test("RFC 7591 §3.2.2: malformed JSON, a non-object, a form body or a repeated member is invalid_client_metadata, never a 5xx",
          arguments: TestEngine.all)
    func malformedBodiesRefused(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            for body in ["{", "[]", "\"text\"", "", #"{"redirect_uris":["https://a.example/cb"],"redirect_uris":["https://b.example/cb"]}"#] {
                try await server.register(rawBody: body).expectRegistrationError("invalid_client_metadata")
            }
            try await server.register(rawBody: "redirect_uris=https%3A%2F%2Fa.example%2Fcb", contentType: "application/x-www-form-urlencoded")
                .expectRegistrationError("invalid_client_metadata")
            let huge = try await server.register(["client_name": String(repeating: "x", count: 70_000), "redirect_uris": [TestServer.redirectURI]])
            #expect(huge.status == 413)
            #expect(try await server.clientCount() == 0)
        }
    }

    @Test("attack: an HTML client_name is escaped on the login page", arguments: TestEngine.all)
    func htmlClientNameEscaped(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let name = #"<script>alert("owned")</script><img src=x onerror=alert(1)>"#
            let client = try await server.registerClient(["client_name": name, "token_endpoint_auth_method": "none"])
            let page = try await Browser().get(server.authorizeURL(client: client.registered, pkce: PKCE()))
            #expect(page.status == 200, "\(page.body)")
            #expect(!page.body.contains("<script>alert"), "the client name reached the page unescaped")
            #expect(!page.body.contains("<img src=x"))
            #expect(page.body.contains("&lt;script&gt;alert("), "the name is shown, escaped")
        }
    }

    @Test("RFC 7591 + RFC 7636: a public native client registered with none completes the code flow with PKCE", arguments: TestEngine.all)
    func registeredClientCompletesFlow(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            try await server.addUser()
            let client = try await server.registerClient(["token_endpoint_auth_method": "none",
                                                          "grant_types": ["authorization_code", "refresh_token"]])
            #expect(client.secret == nil)
            let pkce = PKCE()
            let code = try await server.code(for: client.registered, pkce: pkce)
            let tokens = try await server.exchange(code, client: client.registered, verifier: pkce.verifier)
            #expect(tokens.status == 200, "\(tokens.body)")
            let accessToken = try #require(tokens.json["access_token"] as? String)
            #expect(try await server.userInfo(accessToken).status == 200)
            let noVerifier = try await server.exchange(try await server.code(for: client.registered, pkce: PKCE()), client: client.registered)
            #expect(noVerifier.oauthError == "invalid_grant", "PKCE is enforced for the public client: \(noVerifier.body)")
            server.ledger.expectNoneLogged()
        }
    }

    /// Registers `metadata` (with a valid redirect URI unless it names its own) and expects `code`, nothing written.
    private func expectRefused(_ engine: TestEngine, _ metadata: [String: Any], _ code: String,
                               sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await TestServer.registering(engine) { server in
            let base: [String: Any] = ["client_name": "App", "redirect_uris": [TestServer.redirectURI]]
            let response = try await server.register(base.merging(metadata) { $1 })
            response.expectRegistrationError(code, sourceLocation: sourceLocation)
            #expect(try await server.clientCount() == 0, "a refused registration wrote nothing", sourceLocation: sourceLocation)
        }
    }
}
