import Foundation
import Testing
import TesseraCore

/// The context parameters of an authorization request (OpenID Connect Core §3.1.2.1):
/// `acr_values`, `login_hint`, `display`, `ui_locales`, `claims_locales` and `id_token_hint`.
@Suite("Authorization request hints and context")
struct AuthorizationHintsTests {
    /// Logs `email` in from a fresh browser and returns the browser (now with a session) and the
    /// verified token response.
    static func logIn(_ server: TestServer, client: TestServer.RegisteredClient, email: String = "alice@example.com",
                      extra: [(String, String)] = []) async throws -> (browser: Browser, tokens: HTTPResult) {
        let browser = Browser()
        let query = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client, extra: extra), email: email)
        let code = try #require(query["code"], "no code in \(query)")
        let tokens = try await server.exchange(Secret(code), client: client)
        #expect(tokens.status == 200)
        return (browser, tokens)
    }

    @Test("oidcc-ensure-request-with-acr-values-succeeds: acr and amr in the ID token, also after a refresh", arguments: TestEngine.all)
    func acrValues(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let (_, tokens) = try await Self.logIn(server, client: client, extra: [("acr_values", "1 2")])
            let idToken = try #require(tokens.json["id_token"] as? String)
            _ = try await server.verifyIDToken(idToken)
            #expect(idTokenPayload(idToken)["acr"] as? String == "1")
            #expect(idTokenPayload(idToken)["amr"] as? [String] == ["pwd"])

            let refreshed = try await server.refresh(try #require(tokens.json["refresh_token"] as? String), client: client)
            let refreshedIDToken = try #require(refreshed.json["id_token"] as? String)
            _ = try await server.verifyIDToken(refreshedIDToken)
            #expect(idTokenPayload(refreshedIDToken)["acr"] as? String == "1")
            #expect(idTokenPayload(refreshedIDToken)["amr"] as? [String] == ["pwd"])
        }
    }

    @Test("oidcc-login-hint: login_hint pre-fills the email, escaped, whether or not the account exists", arguments: TestEngine.all)
    func loginHint(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let known = try await Browser().get(server.authorizeURL(client: client, extra: [("login_hint", "alice@example.com")]))
            #expect(known.status == 200)
            #expect(known.body.contains(#"name="email" value="alice@example.com""#))
            let hostile = #""><script>alert(1)</script>@example.com"#
            let unknown = try await Browser().get(server.authorizeURL(client: client, extra: [("login_hint", hostile)]))
            #expect(unknown.status == 200)
            #expect(!unknown.body.contains("<script>alert"), "the hint is HTML-escaped")
            #expect(unknown.body.contains(#"name="email" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com""#))
            // The page does not say whether the hinted account exists: only the echoed hint differs.
            func shape(_ body: String) -> String {
                body.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression)
            }
            #expect(shape(known.body) == shape(unknown.body))
        }
    }

    @Test("oidcc-display-page / oidcc-display-popup: every display value of OIDC Core §3.1.2.1 shows the login page and completes", arguments: TestEngine.all)
    func displayValues(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for display in ["page", "popup", "touch", "wap"] {
                let (_, tokens) = try await Self.logIn(server, client: client, extra: [("display", display)])
                #expect(tokens.json["id_token"] is String, "display=\(display)")
            }
            let invalid = try await Browser().get(server.authorizeURL(client: client, state: "d", extra: [("display", "fullscreen")]))
            #expect(invalid.status == 302)
            #expect(invalid.locationQuery["error"] == "invalid_request")
            #expect(invalid.locationQuery["error_description"]?.contains("display") == true)
        }
    }

    @Test("oidcc-ui-locales / oidcc-claims-locales: ui_locales and claims_locales are accepted, the login completes",
          arguments: TestEngine.all, [("ui_locales", "fr-CA fr en"), ("claims_locales", "de-CH de")])
    func locales(engine: TestEngine, parameter: (name: String, value: String)) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let (_, tokens) = try await Self.logIn(server, client: client, extra: [parameter])
            #expect(tokens.json["id_token"] is String)
        }
    }

    @Test("oidcc-id-token-hint: prompt=none with the session user's own ID token, even expired, gets a code", arguments: TestEngine.all)
    func idTokenHintSameUser(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let (browser, tokens) = try await Self.logIn(server, client: client)
            let idToken = try #require(tokens.json["id_token"] as? String)
            server.clock.advance(by: 36_000 + 60)  // past the ID token's lifetime, within the session's
            let response = try await browser.get(server.authorizeURL(client: client, state: "h",
                                                                     extra: [("prompt", "none"), ("id_token_hint", idToken)]))
            #expect(response.status == 302)
            #expect(response.locationQuery["code"] != nil)
            #expect(response.locationQuery["state"] == "h")
            if let code = response.locationQuery["code"] { server.ledger.record(Secret(code)) }
        }
    }

    @Test("oidcc-id-token-hint with prompt=none for another user: login_required; without prompt=none the login page", arguments: TestEngine.all)
    func idTokenHintOtherUser(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            try await server.addUser(email: "bob@example.com", name: "Bob Example")
            let alicesIDToken = try #require(try await Self.logIn(server, client: client).tokens.json["id_token"] as? String)
            let (bobsBrowser, _) = try await Self.logIn(server, client: client, email: "bob@example.com")
            let silent = try await bobsBrowser.get(server.authorizeURL(client: client, state: "o",
                                                                       extra: [("prompt", "none"), ("id_token_hint", alicesIDToken)]))
            #expect(silent.status == 302)
            #expect(silent.locationQuery["error"] == "login_required")
            #expect(silent.locationQuery["state"] == "o")
            #expect(silent.locationQuery["code"] == nil)
            let interactive = try await bobsBrowser.get(server.authorizeURL(client: client, extra: [("id_token_hint", alicesIDToken)]))
            #expect(interactive.status == 200, "Bob's session is not used for a request that names Alice")
            #expect(LoginForm(html: interactive.body) != nil)
        }
    }

    @Test("OIDC Core §3.1.2.1: an id_token_hint that is not an ID token issued here to this client is invalid_request", arguments: TestEngine.all)
    func idTokenHintInvalid(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let other = try await server.addClient()
            try await server.addUser()
            let (browser, _) = try await Self.logIn(server, client: client)
            let othersIDToken = try #require(try await Self.logIn(server, client: other).tokens.json["id_token"] as? String)
            // A token signed by someone else: the right claims, an unknown key.
            let parts = othersIDToken.split(separator: ".").map(String.init)
            let forged = parts[0] + "." + parts[1] + "." + Base64URL.encode(Data(repeating: 1, count: 256))
            for hint in ["not.a.token", othersIDToken, forged] {
                let response = try await browser.get(server.authorizeURL(client: client, state: "i",
                                                                         extra: [("prompt", "none"), ("id_token_hint", hint)]))
                #expect(response.status == 302)
                #expect(response.locationQuery["error"] == "invalid_request")
                #expect(response.locationQuery["error_description"]?.contains("id_token_hint") == true)
                #expect(response.locationQuery["state"] == "i")
            }
        }
    }

    @Test("OpenID Connect Discovery §3: response modes, request objects, acr, display and ui_locales advertised as implemented", arguments: [TestEngine.sqlite])
    func discovery(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let metadata = try await send(.GET, server.url("/.well-known/openid-configuration")).json
            #expect(metadata["response_modes_supported"] as? [String] == ["query", "form_post"])
            #expect(metadata["request_parameter_supported"] as? Bool == false)
            #expect(metadata["request_uri_parameter_supported"] as? Bool == false)
            #expect(metadata["acr_values_supported"] as? [String] == ["1"])
            #expect(metadata["display_values_supported"] as? [String] == ["page", "popup", "touch", "wap"])
            #expect(metadata["ui_locales_supported"] as? [String] == ["en"])
            let claims = try #require(metadata["claims_supported"] as? [String])
            #expect(claims.contains("acr") && claims.contains("amr"))
        }
    }
}
