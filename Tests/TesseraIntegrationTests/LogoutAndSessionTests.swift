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

    @Test("prompt=none with a live session returns a code without a page", arguments: TestEngine.all)
    func promptNoneWithSession(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let silent = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none")]))
            #expect(silent.status == 302)
            #expect(silent.locationQuery["code"] != nil)
        }
    }

    @Test("behind a TLS-terminating proxy, an https issuer makes every cookie Secure", arguments: TestEngine.all)
    func secureCookiesFollowIssuer(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.issuer = "https://id.example" }) { server in
            let client = try await server.addClient()
            let page = try await Browser().get(server.authorizeURL(client: client))
            let csrf = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("tessera_csrf=") })
            #expect(csrf.contains("Secure"))
        }
    }
}
