import Foundation
import Testing
import TesseraClient
import TesseraCore

/// TesseraHummingbird in a real app on a loopback port, against the real provider: the whole
/// login → dashboard → logout cycle, the session cookie, and requireLogin.
@Suite("TesseraHummingbird: the login cycle against the provider")
struct RelyingPartyFlowTests {
    @Test("login → dashboard → logout: the refresh token is revoked, the provider's session ends, and the dashboard asks for a login again")
    func loginDashboardLogout() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            var pages: [HTTPResult] = []
            let guarded = try await browser.get(app.url("/dashboard"))
            #expect(guarded.status == 302)
            #expect(guarded.location == "/login?return_to=%2Fdashboard")

            let callback = try await app.logIn(browser, returnTo: "/dashboard")
            #expect(callback.location == "/dashboard")
            pages.append(callback)
            let session = try #require(await app.session(of: browser))
            let tokens = try #require(session.tokens)
            #expect(session.pendingLogins.isEmpty)
            #expect(tokens.refreshToken != nil, "offline_access by default, so the session can refresh")

            let dashboard = try await browser.get(app.url("/dashboard"))
            pages.append(dashboard)
            #expect(dashboard.status == 200)
            #expect(dashboard.body.contains("dashboard of alice@example.com"))
            pages.append(try await browser.get(app.url("/")))
            #expect(pages.last?.body == "in as alice@example.com")

            let logout = try await browser.post(app.url("/logout"), form: [])
            pages.append(logout)
            #expect(logout.status == 303)
            let endSession = try #require(logout.location)
            #expect(endSession.hasPrefix(server.url("/oidc/logout?")))
            #expect(logout.locationQuery["post_logout_redirect_uri"] == app.url("/"))
            #expect(logout.locationQuery["id_token_hint"] == tokens.idToken?.unredacted)
            #expect(browser.cookie(TestRelyingParty.cookie) == nil, "the session cookie is cleared")
            #expect(app.transport.count(.post, "/oauth/revoke") == 1)

            let provider = try await browser.get(endSession)
            #expect(provider.status == 302)
            #expect(provider.location == app.url("/"))
            #expect(browser.cookie("tessera_session") == nil, "the provider's session ended too")
            #expect(try await browser.get(app.url("/")).body == "out")
            let again = try await browser.get(app.url("/dashboard"))
            #expect(again.status == 302)
            #expect(again.location == "/login?return_to=%2Fdashboard")
            #expect(await thrown(OAuthError.self) { _ = try await app.oidc.refresh(tokens) }?.code == .invalidGrant,
                    "logout revoked the refresh token")

            let secrets = server.ledger.all
            for page in pages {
                #expect(!secrets.contains { page.body.contains($0) }, "a page shows a secret")
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("the session cookie is HttpOnly, SameSite=Lax and opaque: a fresh random id at login, no token in any cookie")
    func sessionCookie() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let login = try await browser.get(app.url("/login"))
            let loginCookie = try #require(login.headers["Set-Cookie"].first { $0.hasPrefix(TestRelyingParty.cookie + "=") })
            #expect(loginCookie.contains("HttpOnly"))
            #expect(loginCookie.contains("SameSite=Lax"))
            #expect(loginCookie.contains("Path=/"))
            #expect(!loginCookie.contains("Secure"), "an http app's cookie cannot be Secure")
            let preLoginID = try #require(browser.cookie(TestRelyingParty.cookie))
            let pending = try #require(await app.session(of: browser)?.pendingLogins.first)

            let callbackURL = try await app.callbackURL(browser, authorizeURL: try #require(login.location))
            let callback = try await browser.get(callbackURL)
            let loggedInCookie = try #require(callback.headers["Set-Cookie"].first { $0.hasPrefix(TestRelyingParty.cookie + "=") })
            #expect(loggedInCookie.contains("HttpOnly") && loggedInCookie.contains("SameSite=Lax"))
            let loggedInID = try #require(browser.cookie(TestRelyingParty.cookie))
            #expect(loggedInID != preLoginID, "a finished login gets a new session id (no session fixation)")
            #expect(loggedInID.count == 43)
            let tokens = try #require(await app.session(of: browser)?.tokens)

            let stale = Browser()
            stale.setCookie(TestRelyingParty.cookie, preLoginID)
            #expect(try await stale.get(app.url("/")).body == "out", "the pre-login id is worth nothing after the login")

            let values = [tokens.accessToken, tokens.idToken, tokens.refreshToken, pending.authorization.state,
                          pending.authorization.nonce, pending.authorization.codeVerifier].compactMap { $0?.unredacted }
            for cookie in (login.headers["Set-Cookie"] + callback.headers["Set-Cookie"]) {
                #expect(!values.contains { cookie.contains($0) }, "a cookie carries a token or a login secret")
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("requireLogin sends the browser to /login and, once logged in, back to the path and query it asked for")
    func requireLoginRoundTrip() async throws {
        try await TestRelyingParty.with { app in
            let server = app.server
            let browser = Browser()
            let guarded = try await browser.get(app.url("/dashboard?tab=2"))
            #expect(guarded.status == 302)
            let loginPath = try #require(guarded.location)
            #expect(loginPath == "/login?return_to=%2Fdashboard%3Ftab%3D2")
            let login = try await browser.get(app.url(loginPath))
            let callback = try await browser.get(try await app.callbackURL(browser, authorizeURL: try #require(login.location)))
            #expect(callback.status == 303)
            #expect(callback.location == "/dashboard?tab=2")
            #expect(try await browser.get(app.url("/dashboard?tab=2")).status == 200)
            #expect(try await browser.get(app.url("/login?return_to=%2F")).location == "/", "a logged-in browser skips the provider")
            _ = await app.session(of: browser)
            server.ledger.expectNoneLogged()
        }
    }
}
