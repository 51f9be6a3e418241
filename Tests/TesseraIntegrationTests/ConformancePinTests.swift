import Foundation
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// Modules of the OpenID Foundation's Basic OP test plan that Tessera already passed before
/// issue 11, pinned under the module's name so a regression reads as the certification failure
/// it would be. Each drives the real server over a loopback socket, as the suite does; the
/// server's manual clock stands in for the suite's waiting.
@Suite("OpenID conformance pins")
struct ConformancePinTests {
    @Test("oidcc-prompt-login: a live session still gets the login page, and the new ID token's auth_time is the new login",
          arguments: TestEngine.all)
    func promptLogin(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            server.clock.advance(by: 10)
            let secondLogin = server.clock.wallClock.now()

            let page = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "login")]))
            #expect(page.status == 200)
            #expect(LoginForm(html: page.body) != nil, "prompt=login shows the login form despite the session")
            let query = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client, extra: [("prompt", "login")]))
            let idToken = try await idToken(for: try #require(query["code"]), client: client, server: server)
            #expect(idToken.auth_time == secondLogin)
        }
    }

    @Test("oidcc-prompt-none-logged-in: prompt=none with a live session returns a code without a page, for the same user",
          arguments: TestEngine.all)
    func promptNoneLoggedIn(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let first = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let firstToken = try await idToken(for: try #require(first["code"]), client: client, server: server)

            let silent = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none")]))
            #expect(silent.status == 302)
            let silentToken = try await idToken(for: try #require(silent.locationQuery["code"]), client: client, server: server)
            #expect(silentToken.sub == firstToken.sub)
            #expect(silentToken.auth_time == firstToken.auth_time, "no new login happened")
        }
    }

    @Test("oidcc-prompt-none-not-logged-in: login_required to the redirect_uri, with state and iss", arguments: TestEngine.all)
    func promptNoneNotLoggedIn(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await Browser().get(server.authorizeURL(client: client, state: "s-1", extra: [("prompt", "none")]))
            #expect(response.status == 302)
            #expect(response.location?.hasPrefix(TestServer.redirectURI) == true)
            #expect(response.locationQuery["error"] == "login_required")
            #expect(response.locationQuery["state"] == "s-1")
            #expect(response.locationQuery["iss"] == server.baseURL)
        }
    }

    @Test("oidcc-max-age-1: a session older than max_age asks for the password again; auth_time is the new login",
          arguments: TestEngine.all)
    func maxAgeOne(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            server.clock.advance(by: 2)
            let secondLogin = server.clock.wallClock.now()

            let url = server.authorizeURL(client: client, extra: [("max_age", "1")])
            let page = try await browser.get(url)
            #expect(page.status == 200)
            #expect(LoginForm(html: page.body) != nil)
            let query = try await server.authorize(browser, authorizeURL: url)
            let idToken = try await idToken(for: try #require(query["code"]), client: client, server: server)
            #expect(idToken.auth_time == secondLogin)
        }
    }

    @Test("oidcc-max-age-10000: a younger session gets a code without a page, and the ID token carries auth_time",
          arguments: TestEngine.all)
    func maxAgeTenThousand(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let login = server.clock.wallClock.now()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            server.clock.advance(by: 60)

            let response = try await browser.get(server.authorizeURL(client: client, extra: [("max_age", "10000")]))
            #expect(response.status == 302)
            let idToken = try await idToken(for: try #require(response.locationQuery["code"]), client: client, server: server)
            #expect(idToken.auth_time == login)
        }
    }

    @Test("oidcc-id-token-hint: prompt=none with the session's own ID token as hint returns a code for the same user",
          arguments: TestEngine.all)
    func idTokenHint(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let first = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let exchange = try await server.exchange(Secret(try #require(first["code"])), client: client)
            let hint = try #require(exchange.json["id_token"] as? String)
            let firstToken = try await server.verifyIDToken(hint).claims

            let silent = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none"), ("id_token_hint", hint)]))
            #expect(silent.status == 302)
            let code = try #require(silent.locationQuery["code"], "a code, not \(silent.locationQuery)")
            #expect(try await idToken(for: code, client: client, server: server).sub == firstToken.sub)
        }
    }

    @Test("oidcc-ensure-registered-redirect-uri: an unregistered redirect_uri gets an error page and is never redirected to",
          arguments: TestEngine.all)
    func ensureRegisteredRedirectURI(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let url = server.authorizeURL(client: client, redirectURI: "https://attacker.example/callback")
            let response = try await Browser().get(url)
            #expect(response.status == 400)
            #expect(response.location == nil, "no redirect to an unregistered URI")
            #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(!response.body.contains("attacker.example"))
        }
    }

    @Test("oidcc-discovery-endpoint-verification: the Config profile's required members, an issuer that is the URL it was fetched under, and public signing keys only",
          arguments: TestEngine.all)
    func discoveryEndpointVerification(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let discovery = try await send(.GET, server.url("/.well-known/openid-configuration"))
            #expect(discovery.status == 200)
            #expect(discovery.header("Content-Type")?.hasPrefix("application/json") == true)
            let document = discovery.json
            #expect(document["issuer"] as? String == server.baseURL)
            for member in ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"] {
                let url = try #require(document[member] as? String, "\(member) is required")
                #expect(url.hasPrefix(server.baseURL + "/"), "\(member) is served by this issuer")
            }
            for member in ["response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"] {
                #expect((document[member] as? [String])?.isEmpty == false, "\(member) is required")
            }
            #expect((document["scopes_supported"] as? [String])?.contains("openid") == true)
            #expect((document["response_types_supported"] as? [String])?.contains("code") == true)
            #expect((document["id_token_signing_alg_values_supported"] as? [String])?.contains("RS256") == true)

            let jwks = try await send(.GET, try #require(document["jwks_uri"] as? String))
            let keys = try #require(jwks.json["keys"] as? [[String: Any]])
            #expect(!keys.isEmpty)
            for key in keys {
                #expect(key["kid"] is String && key["kty"] is String && key["alg"] is String)
                #expect(key["use"] as? String == "sig")
                #expect(Set(key.keys).isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi"]), "no private key material")
            }
        }
    }

    @Test("OpenID Connect Discovery §3: every endpoint discovery advertises is served, and every scope it lists is granted",
          arguments: TestEngine.all)
    func discoveryAdvertisesOnlyWhatExists(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let document = try await send(.GET, server.url("/.well-known/openid-configuration")).json
            // The method each advertised endpoint is called with; an endpoint Tessera does not
            // know how to call here is a failure, so a new member must be added on purpose.
            let methods: [String: HTTPMethod] = [
                "authorization_endpoint": .GET, "userinfo_endpoint": .GET, "jwks_uri": .GET, "end_session_endpoint": .GET,
                "token_endpoint": .POST, "revocation_endpoint": .POST, "introspection_endpoint": .POST,
                "pushed_authorization_request_endpoint": .POST,
            ]
            let advertised = document.filter { $0.key.hasSuffix("_endpoint") || $0.key == "jwks_uri" }
            #expect(Set(advertised.keys) == Set(methods.keys), "every advertised endpoint is exercised below")
            for (member, value) in advertised {
                let url = try #require(value as? String)
                let method = try #require(methods[member])
                let response = try await send(method, url, headers: method == .POST ? [("Content-Type", "application/x-www-form-urlencoded")] : [],
                                              body: method == .POST ? "" : nil)
                #expect(response.status != 404 && response.status != 405, "\(member) \(url) is served")
                #expect(response.status < 500, "\(member) answers a bare request without a 5xx")
            }

            let scopes = try #require(document["scopes_supported"] as? [String])
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client, scope: scopes.joined(separator: " "))
            let granted = try #require(try await server.exchange(code, client: client).json["scope"] as? String)
            #expect(Set(granted.split(separator: " ").map(String.init)) == Set(scopes), "each advertised scope can be granted")
        }
    }

    /// The verified claims of the ID token `code` is exchanged for.
    private func idToken(for code: String, client: TestServer.RegisteredClient, server: TestServer) async throws -> ReceivedIDToken {
        let exchange = try await server.exchange(Secret(code), client: client)
        #expect(exchange.status == 200)
        return try await server.verifyIDToken(try #require(exchange.json["id_token"] as? String)).claims
    }
}
