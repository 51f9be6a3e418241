import Foundation
import Testing
import TesseraCore

@Suite("Sessions and RP-initiated logout")
struct LogoutAndSessionTests {
    static let afterLogout = "http://localhost:3000/logged-out"

    @Test("/oidc/logout with an id_token_hint ends the session and returns to the registered URI with state", arguments: TestEngine.all)
    func oidcLogout(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let browser = Browser()
            let code = Secret(try #require(try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))["code"]))
            let idToken = try #require(try await server.exchange(code, client: client).json["id_token"] as? String)
            let session = try #require(browser.cookie("tessera_session"))

            let response = try await browser.get(server.url("/oidc/logout?") + FormURLEncoding.encode([
                ("id_token_hint", idToken), ("post_logout_redirect_uri", Self.afterLogout), ("state", "bye"),
            ]))
            #expect(response.status == 302)
            #expect(response.location == Self.afterLogout + "?state=bye")
            #expect(browser.cookie("tessera_session") == nil, "the cookie is cleared")
            let stale = Browser()
            stale.setCookie("tessera_session", session)
            #expect(try await stale.get(server.authorizeURL(client: client)).status == 200, "the session is over on the server too")
        }
    }

    @Test("logout never redirects to an unregistered URI", arguments: TestEngine.all)
    func openRedirectRefused(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            for query in [
                [("client_id", client.id), ("post_logout_redirect_uri", "https://evil.example/")],
                [("post_logout_redirect_uri", Self.afterLogout)],
                [("id_token_hint", "not.a.token"), ("post_logout_redirect_uri", Self.afterLogout)],
            ] {
                let response = try await Browser().get(server.url("/oidc/logout?") + FormURLEncoding.encode(query.map { (name: $0.0, value: $0.1) }))
                #expect(response.status == 400)
                #expect(response.location == nil)
            }
            let evil = try await Browser().get(server.url("/v2/logout?client_id=\(client.id)&returnTo=https%3A%2F%2Fevil.example%2F"))
            #expect(evil.status == 400)
            #expect(evil.location == nil)
        }
    }

    @Test("a NUL byte or a repeated parameter in a logout query: a 400 page naming it, never a 5xx (PostgreSQL refuses NUL in text)",
          arguments: TestEngine.all)
    func logoutQueryWithNULByte(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            for path in ["/oidc/logout", "/v2/logout"] {
                for query in ["client_id=\(client.id)%00x&post_logout_redirect_uri=\(Self.afterLogout)&returnTo=\(Self.afterLogout)",
                              "client_id=\(client.id)&client_id=other&post_logout_redirect_uri=\(Self.afterLogout)"] {
                    let response = try await Browser().get(server.url(path + "?") + query)
                    #expect(response.status == 400, "\(path)?\(query)")
                    #expect(response.location == nil)
                }
            }
        }
    }

    @Test("Auth0's /v2/logout returns to a registered returnTo; without one, a logged-out page", arguments: TestEngine.all)
    func auth0Logout(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            let returned = try await Browser().get(server.url("/v2/logout?client_id=\(client.id)&returnTo=\(FormURLEncoding.escape(Self.afterLogout))"))
            #expect(returned.status == 302)
            #expect(returned.location == Self.afterLogout)
            let page = try await Browser().get(server.url("/oidc/logout"))
            #expect(page.status == 200)
            #expect(page.body.contains("logged out"))
            let discovery = try await send(.GET, server.url("/.well-known/openid-configuration"))
            #expect(discovery.json["end_session_endpoint"] as? String == server.url("/oidc/logout"))
        }
    }

    @Test("max_age: a session older than it asks for the password again; auth_time tells when it was typed", arguments: TestEngine.all)
    func maxAge(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let loginTime = server.clock.wallClock.now()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            server.clock.advance(by: 100)
            let fresh = try await browser.get(server.authorizeURL(client: client, extra: [("max_age", "500")]))
            #expect(fresh.status == 302)
            let code = Secret(try #require(fresh.locationQuery["code"]))
            let (claims, _) = try await server.verifyIDToken(try #require(try await server.exchange(code, client: client).json["id_token"] as? String))
            #expect(claims.auth_time == loginTime)
            let stale = try await browser.get(server.authorizeURL(client: client, extra: [("max_age", "50")]))
            #expect(stale.status == 200, "the login page, not a code")
            #expect(LoginForm(html: stale.body) != nil)
        }
    }

    @Test("behind a TLS-terminating proxy, an https issuer makes every cookie Secure", arguments: TestEngine.all)
    func secureCookiesFollowIssuer(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.issuer = "https://id.example" }) { server in
            let client = try await server.addClient()
            let page = try await Browser().get(server.authorizeURL(client: client))
            let csrf = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("__Host-tessera_csrf=") })
            #expect(csrf.contains("Secure"))
        }
    }
}

/// Logout by a link another site can plant must not end the session: only the relying party's
/// own id_token for this session, or the user's confirmation, does.
extension LogoutAndSessionTests {
    @Test("cross-site GET logout without id_token_hint: session survives, confirmation page", arguments: TestEngine.all)
    func crossSiteLogoutConfirms(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let session = try #require(browser.cookie("tessera_session"))

            for link in [
                server.url("/oidc/logout"),
                server.url("/oidc/logout?") + FormURLEncoding.encode([
                    ("client_id", client.id), ("post_logout_redirect_uri", Self.afterLogout), ("state", "bye"),
                ]),
                server.url("/v2/logout?client_id=\(client.id)&returnTo=\(FormURLEncoding.escape(Self.afterLogout))"),
            ] {
                let page = try await browser.get(link)
                #expect(page.status == 200, "\(link)")
                #expect(page.location == nil)
                #expect(LogoutConfirmation(html: page.body) != nil, "a confirmation form")
                #expect(!page.headers["Set-Cookie"].contains { $0.hasPrefix("tessera_session=") }, "the cookie is kept")
                #expect(page.header("X-Frame-Options") == "DENY", "the button cannot be framed and clicked for the user")
            }
            #expect(browser.cookie("tessera_session") == session)
            let silent = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none")]))
            #expect(silent.locationQuery["code"] != nil, "the session survived the links")

            // A cross-site POST without the session's token (the cookie is SameSite=Lax, but even if it came along).
            let confirmation = try #require(LogoutConfirmation(html: try await browser.get(server.url("/oidc/logout?") + FormURLEncoding.encode([
                ("client_id", client.id), ("post_logout_redirect_uri", Self.afterLogout), ("state", "bye"),
            ])).body))
            #expect(confirmation.action == "/oidc/logout")
            #expect(confirmation.field("post_logout_redirect_uri") == Self.afterLogout)
            #expect(confirmation.field("state") == "bye")
            let other = Browser()
            _ = try await server.authorize(other, authorizeURL: server.authorizeURL(client: client))
            let othersToken = try #require(LogoutConfirmation(html: try await other.get(server.url("/oidc/logout")).body)?.field("csrf_token"))
            for token in [nil, "", Secret.random().unredacted, session, othersToken] {
                let form = confirmation.fields.filter { $0.0 != "csrf_token" } + (token.map { [("csrf_token", $0)] } ?? [])
                let forged = try await browser.post(server.url("/oidc/logout"), form: form)
                #expect(forged.status == 200)
                #expect(LogoutConfirmation(html: forged.body) != nil, "asked again")
            }
            #expect(try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none")])).locationQuery["code"] != nil)

            let confirmed = try await browser.post(server.url(confirmation.action), form: confirmation.fields)
            #expect(confirmed.status == 302)
            #expect(confirmed.location == Self.afterLogout + "?state=bye")
            #expect(browser.cookie("tessera_session") == nil)
            let after = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none")]))
            #expect(after.locationQuery["error"] == "login_required", "confirmed, the session is over")
            let stale = Browser()
            stale.setCookie("tessera_session", session)
            #expect(try await stale.get(server.authorizeURL(client: client, extra: [("prompt", "none")])).locationQuery["error"] == "login_required")
            #expect(try await other.get(server.authorizeURL(client: client, extra: [("prompt", "none")])).locationQuery["code"] != nil,
                    "another browser's session is untouched")
        }
    }

    @Test("id_token_hint of another session: confirmation, not logout", arguments: TestEngine.all)
    func anotherSessionsHint(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            try await server.addUser(email: "mallory@example.com", name: "Mallory")
            let victim = Browser()
            let victimCode = Secret(try #require(try await server.authorize(victim, authorizeURL: server.authorizeURL(client: client))["code"]))
            let victimIDToken = try #require(try await server.exchange(victimCode, client: client).json["id_token"] as? String)
            // The attacker's own, genuine id_token, for the same client.
            let attacker = Browser()
            let attackerCode = Secret(try #require(try await server.authorize(attacker, authorizeURL: server.authorizeURL(client: client),
                                                                              email: "mallory@example.com")["code"]))
            let attackerIDToken = try #require(try await server.exchange(attackerCode, client: client).json["id_token"] as? String)
            // The victim's earlier session: a token for the right user, but a session that has ended.
            let relogin = try await victim.get(server.authorizeURL(client: client, extra: [("prompt", "login")]))
            let form = try #require(LoginForm(html: relogin.body))
            let second = try await victim.post(server.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(second.status == 302)
            let session = try #require(victim.cookie("tessera_session"))

            for hint in [attackerIDToken, victimIDToken] {
                let page = try await victim.get(server.url("/oidc/logout?") + FormURLEncoding.encode([
                    ("id_token_hint", hint), ("post_logout_redirect_uri", Self.afterLogout),
                ]))
                #expect(page.status == 200)
                #expect(page.location == nil)
                let confirmation = try #require(LogoutConfirmation(html: page.body))
                #expect(confirmation.field("client_id") == client.id)
                #expect(victim.cookie("tessera_session") == session)
            }
            let silent = try await victim.get(server.authorizeURL(client: client, extra: [("prompt", "none")]))
            let currentCode = Secret(try #require(silent.locationQuery["code"], "the session survived"))

            // The id_token of the current session logs out at once, as TesseraClient's logout sends it.
            let currentIDToken = try #require(try await server.exchange(currentCode, client: client).json["id_token"] as? String)
            let logout = try await victim.get(server.url("/oidc/logout?") + FormURLEncoding.encode([
                ("id_token_hint", currentIDToken), ("post_logout_redirect_uri", Self.afterLogout),
            ]))
            #expect(logout.status == 302)
            #expect(logout.location == Self.afterLogout)
            #expect(try await victim.get(server.authorizeURL(client: client, extra: [("prompt", "none")])).locationQuery["error"] == "login_required")
            #expect(try await attacker.get(server.authorizeURL(client: client, extra: [("prompt", "none")])).locationQuery["code"] != nil)
        }
    }
}
