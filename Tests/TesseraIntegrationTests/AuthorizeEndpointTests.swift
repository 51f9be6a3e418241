import Foundation
import Testing
import TesseraCore

@Suite("GET /authorize and the login form")
struct AuthorizeEndpointTests {
    @Test("an unknown client gets an HTML error page, never a redirect", arguments: TestEngine.all)
    func unknownClient(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let stranger = TestServer.RegisteredClient(id: "no-such-client", secret: nil)
            let response = try await Browser().get(server.authorizeURL(client: stranger))
            #expect(response.status == 400)
            #expect(response.location == nil)
            #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(response.body.contains("not registered"))
        }
    }

    @Test("an unregistered or missing redirect_uri gets an HTML error page, never a redirect", arguments: TestEngine.all)
    func unregisteredRedirect(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            for uri in ["https://evil.example/callback", TestServer.redirectURI + "/extra", TestServer.redirectURI + "?x=1"] {
                let response = try await Browser().get(server.authorizeURL(client: client, redirectURI: uri))
                #expect(response.status == 400)
                #expect(response.location == nil)
                #expect(!response.body.contains("evil.example"))
            }
            let missing = try await Browser().get(server.url("/authorize?response_type=code&client_id=\(client.id)"))
            #expect(missing.status == 400)
            #expect(missing.location == nil)
        }
    }

    @Test("a public client without PKCE is sent back with invalid_request, state and iss", arguments: TestEngine.all)
    func publicClientNeedsPKCE(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(isPublic: true)
            let response = try await Browser().get(server.authorizeURL(client: client, state: "keep-me"))
            #expect(response.status == 302)
            #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true)
            let query = response.locationQuery
            #expect(query["error"] == "invalid_request")
            #expect(query["error_description"]?.contains("PKCE") == true)
            #expect(query["state"] == "keep-me")
            #expect(query["iss"] == server.baseURL)
            #expect(query["code"] == nil)
        }
    }

    @Test("after the redirect URI is trusted, errors go back to the client", arguments: TestEngine.all, [
        ([("response_type", "token")], "unsupported_response_type"),
        ([("response_type", "code id_token")], "unsupported_response_type"),
        ([("code_challenge", PKCE().challenge), ("code_challenge_method", "plain")], "invalid_request"),
        ([("code_challenge", "too-short"), ("code_challenge_method", "S256")], "invalid_request"),
        ([("code_challenge", PKCE().challenge)], "invalid_request"),
        ([("max_age", "-1")], "invalid_request"),
        ([("prompt", "none login")], "invalid_request"),
        ([("scope", "open\"id")], "invalid_scope"),
        ([("response_mode", "fragment")], "invalid_request"),
    ])
    func errorsRedirect(engine: TestEngine, example: (extra: [(String, String)], error: String)) async throws {
        let (extra, error) = example
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await Browser().get(server.authorizeURL(client: client, state: "s", extra: extra))
            #expect(response.status == 302)
            #expect(response.locationQuery["error"] == error)
            #expect(response.locationQuery["iss"] == server.baseURL)
        }
    }

    @Test("a repeated parameter goes back to the client as invalid_request", arguments: TestEngine.all)
    func repeatedParameter(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await Browser().get(server.authorizeURL(client: client, state: "s") + "&state=again")
            #expect(response.status == 302)
            #expect(response.locationQuery["error"] == "invalid_request")
        }
    }

    @Test("the login page is a plain HTML form that is never cached, framed or referred", arguments: TestEngine.all)
    func loginPage(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let browser = Browser()
            let page = try await browser.get(server.authorizeURL(client: client))
            #expect(page.status == 200)
            #expect(page.body.contains(#"<form method="post" action="/login">"#))
            #expect(page.body.contains(#"name="email""#) && page.body.contains(#"name="password""#))
            #expect(!page.body.contains("<script"))
            #expect(page.header("Cache-Control") == "no-store")
            #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(page.header("Referrer-Policy") == "no-referrer")
            let csrfCookie = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("tessera_csrf=") })
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Lax"))
            let browserCookie = try #require(browser.cookie("tessera_csrf"))
            #expect(!page.body.contains(browserCookie), "the form carries a signature, not a copy of the cookie")
            #expect(!csrfCookie.contains("Secure"), "the test issuer is http")
        }
    }

    @Test("the login POST requires the CSRF token that matches its cookie", arguments: TestEngine.all)
    func csrfRequired(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let page = try await browser.get(server.authorizeURL(client: client))
            let form = try #require(LoginForm(html: page.body))
            let credentials = [("email", "alice@example.com"), ("password", TestServer.password)]

            let missing = try await browser.post(server.url("/login"), form: [("authorization_request", form.authorizationRequest)] + credentials)
            let wrong = try await browser.post(server.url("/login"), form: [("csrf_token", Secret.random().unredacted),
                                                                             ("authorization_request", form.authorizationRequest)] + credentials)
            let noCookie = Browser()
            let crossSite = try await noCookie.post(server.url("/login"), form: [("csrf_token", form.csrfToken),
                                                                                ("authorization_request", form.authorizationRequest)] + credentials)
            for response in [missing, wrong, crossSite] {
                #expect(response.status == 400)
                #expect(response.location == nil)
                #expect(!response.headers["Set-Cookie"].contains { $0.hasPrefix("tessera_session=") })
            }
            #expect(browser.cookie("tessera_session") == nil)
        }
    }

    @Test("CSRF token minted for another browser's cookie: refused", arguments: TestEngine.all)
    func csrfTokenOfAnotherBrowser(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            // The attacker loads the form in their own browser, then makes the victim's post it.
            let attacker = Browser()
            let attackersForm = try #require(LoginForm(html: try await attacker.get(server.authorizeURL(client: client)).body))
            let victim = Browser()
            let victimsForm = try #require(LoginForm(html: try await victim.get(server.authorizeURL(client: client)).body))
            #expect(victimsForm.authorizationRequest == attackersForm.authorizationRequest)
            #expect(victimsForm.csrfToken != attackersForm.csrfToken, "the token depends on the browser's cookie")
            let response = try await victim.post(server.url("/login"), form: [
                ("csrf_token", attackersForm.csrfToken), ("authorization_request", attackersForm.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(response.status == 400)
            #expect(response.body.contains("CSRF"))
            #expect(victim.cookie("tessera_session") == nil)
            // The form minted for a browser's cookie is not valid for another authorization request either.
            let otherRequest = try #require(LoginForm(html: try await victim.get(server.authorizeURL(client: client, state: "other")).body))
            let swapped = try await victim.post(server.url("/login"), form: [
                ("csrf_token", victimsForm.csrfToken), ("authorization_request", otherRequest.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(swapped.status == 400)
            let own = try await victim.post(server.url("/login"), form: [
                ("csrf_token", victimsForm.csrfToken), ("authorization_request", victimsForm.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(own.status == 302, "the browser's own form still logs in")
        }
    }

    @Test("forged CSRF cookie and field pair: refused", arguments: TestEngine.all)
    func forgedCSRFPair(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let form = try #require(LoginForm(html: try await Browser().get(server.authorizeURL(client: client)).body))
            // An attacker who can plant a cookie (a sibling subdomain, plain http) plants the same
            // value as the field: a double-submit pair, which proves nothing without the key.
            let planted = Browser()
            let value = Secret.random().unredacted
            planted.setCookie("tessera_csrf", value)
            let response = try await planted.post(server.url("/login"), form: [
                ("csrf_token", value), ("authorization_request", form.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(response.status == 400)
            #expect(response.location == nil)
            #expect(planted.cookie("tessera_session") == nil)
        }
    }

    @Test("a wrong password or unknown email re-shows the form with one message and no session", arguments: TestEngine.all)
    func wrongCredentials(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for (email, password) in [("alice@example.com", "wrong password"), ("nobody@example.com", TestServer.password)] {
                let browser = Browser()
                let page = try await browser.get(server.authorizeURL(client: client))
                let form = try #require(LoginForm(html: page.body))
                let response = try await browser.post(server.url("/login"), form: [
                    ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                    ("email", email), ("password", password),
                ])
                #expect(response.status == 401)
                #expect(response.location == nil)
                #expect(response.body.contains("Wrong email or password."))
                #expect(browser.cookie("tessera_session") == nil)
            }
        }
    }

    @Test("the login session cookie is HttpOnly and SameSite=Lax; prompt=login asks again", arguments: TestEngine.all)
    func sessionCookie(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            #expect(browser.cookie("tessera_session") != nil)
            let again = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "login")]))
            #expect(again.status == 200)
            #expect(LoginForm(html: again.body) != nil)
        }
    }

    @Test("a login form whose authorization request was tampered with is validated again", arguments: TestEngine.all)
    func tamperedForm(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let page = try await browser.get(server.authorizeURL(client: client))
            let form = try #require(LoginForm(html: page.body))
            let tampered = form.authorizationRequest.replacingOccurrences(
                of: FormURLEncoding.escape(TestServer.redirectURI), with: FormURLEncoding.escape("https://evil.example/cb"))
            #expect(tampered != form.authorizationRequest)
            let response = try await browser.post(server.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", tampered),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(response.status == 400)
            #expect(response.location == nil)
        }
    }
}
