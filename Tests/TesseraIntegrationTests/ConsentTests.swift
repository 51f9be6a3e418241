import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Consent for third-party clients (OpenID Connect Core §3.1.2.4, §3.1.2.6, §11), driven over a
/// real socket as a browser does it: login form, consent form, redirect back to the client.
@Suite("Consent: third-party clients ask the user first")
struct ConsentTests {
    static let orders = "https://api.example.com/orders"

    /// A server with the Orders API (read and write permissions) and Alice, for `body`.
    static func withServer<Result>(_ engine: TestEngine, _ body: (TestServer) async throws -> Result) async throws -> Result {
        try await TestServer.with(engine) { server in
            _ = try await server.provider.administration.addAPI(identifier: orders, name: "Orders", scopes: "read:orders write:orders")
            try await server.addUser()
            return try await body(server)
        }
    }

    @Test("OpenID Connect Core §3.1.2.4: the consent page names the client, the scopes in words and the API; approving issues a code whose token carries the consented scopes",
          arguments: TestEngine.all)
    func approve(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient(name: "Acme Photos")
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid profile offline_access read:orders",
                                                                           extra: [("audience", Self.orders)]))
            #expect(page.status == 200)
            #expect(page.isConsentPage, "a third-party client shows the consent page after login: \(page.body)")
            #expect(page.body.contains("<strong id=\"consent-client\">Acme Photos</strong>"))
            #expect(page.body.contains("See your profile"))
            #expect(page.body.contains("Keep access while you are not using it"))
            #expect(page.body.contains("<code>read:orders</code>"))
            #expect(!page.body.contains("write:orders"), "only what was asked is shown")
            #expect(page.body.contains("<strong id=\"consent-api-name\">Orders</strong>"))
            #expect(page.body.contains(Self.orders))
            #expect(!page.body.contains("<script"), "no JavaScript needed")
            #expect(page.location == nil)

            let answer = try await server.decide(browser, on: page, "approve")
            #expect(answer.status == 302)
            #expect(answer.locationQuery["state"] == "state-123")
            let code = try #require(answer.locationQuery["code"], "approving issues a code: \(answer.locationQuery)")
            let tokens = try await server.exchange(Secret(code), client: client)
            #expect(tokens.status == 200)
            #expect(tokens.json["scope"] as? String == "openid profile offline_access read:orders")
            #expect(tokens.json["refresh_token"] is String)
        }
    }

    @Test("attack: a third-party client that tries to skip consent with prompt=none gets consent_required, no code", arguments: TestEngine.all)
    func promptNoneWithoutConsent(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let firstParty = try await server.addClient()
            let thirdParty = try await server.addThirdPartyClient()
            let browser = Browser()
            // A live session, from logging in to a first-party application.
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: firstParty))

            let silent = try await browser.get(server.authorizeURL(client: thirdParty, scope: "openid profile", extra: [("prompt", "none")]))
            #expect(silent.status == 302)
            #expect(silent.location?.hasPrefix(TestServer.redirectURI) == true)
            #expect(silent.locationQuery["error"] == "consent_required")
            #expect(silent.locationQuery["state"] == "state-123")
            #expect(silent.locationQuery["code"] == nil)

            // Once the user has consented, prompt=none succeeds silently.
            let page = try await browser.get(server.authorizeURL(client: thirdParty, scope: "openid profile"))
            #expect(page.isConsentPage)
            #expect(try await server.decide(browser, on: page, "approve").locationQuery["code"] != nil)
            let again = try await browser.get(server.authorizeURL(client: thirdParty, scope: "openid profile", extra: [("prompt", "none")]))
            #expect(again.locationQuery["code"] != nil, "covered by consent: \(again.locationQuery)")
        }
    }

    @Test("the consent page shows each permission in the API's words where it gives them, escaped; the scope itself always",
          arguments: TestEngine.all)
    func permissionDescriptions(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            _ = try await server.provider.administration.updateAPI(identifier: Self.orders,
                                                                   scopeDescriptions: ["read:orders": "Read your <b>orders</b>"])
            let client = try await server.addThirdPartyClient(name: "Acme Photos")
            let page = try await server.logIn(Browser(), server.authorizeURL(client: client, scope: "openid read:orders write:orders",
                                                                             extra: [("audience", Self.orders)]))
            #expect(page.isConsentPage)
            #expect(page.body.contains("<li><span>Read your &lt;b&gt;orders&lt;/b&gt;</span> <code>read:orders</code></li>"), "\(page.body)")
            #expect(page.body.contains("<li><code>write:orders</code></li>"), "a permission without a description shows its scope")
        }
    }

    @Test("attack: an HTML client_name like <script>alert(1)</script> is escaped on the consent page", arguments: TestEngine.all)
    func clientNameEscaped(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient(name: "<script>alert(1)</script>")
            let page = try await server.logIn(Browser(), server.authorizeURL(client: client, scope: "openid"))
            #expect(page.isConsentPage)
            #expect(!page.body.contains("<script>alert(1)</script>"))
            #expect(!page.body.contains("<script"))
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test("OpenID Connect Core §3.1.2.4: consent is remembered — the next login skips the page; more scopes show it again; prompt=consent forces it",
          arguments: TestEngine.all)
    func remembered(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient()
            let first = Browser()
            let page = try await server.logIn(first, server.authorizeURL(client: client, scope: "openid email"))
            #expect(page.isConsentPage)
            #expect(try await server.decide(first, on: page, "approve").locationQuery["code"] != nil)

            // Another browser, another login: covered, no page.
            let second = try await server.logIn(Browser(), server.authorizeURL(client: client, scope: "openid email"))
            #expect(second.status == 302)
            #expect(second.locationQuery["code"] != nil, "remembered consent skips the page")
            #expect(try await server.logIn(Browser(), server.authorizeURL(client: client, scope: "openid")).locationQuery["code"] != nil,
                    "a subset is covered too")

            // More scopes: the page again, and afterwards the union is remembered.
            let more = try await first.get(server.authorizeURL(client: client, scope: "openid profile"))
            #expect(more.isConsentPage, "profile was never consented to")
            #expect(try await server.decide(first, on: more, "approve").locationQuery["code"] != nil)
            let union = try await first.get(server.authorizeURL(client: client, scope: "openid email profile"))
            #expect(union.locationQuery["code"] != nil, "email (before) and profile (now) are both remembered")

            // prompt=consent: the page even though everything is covered.
            let forced = try await first.get(server.authorizeURL(client: client, scope: "openid email", extra: [("prompt", "consent")]))
            #expect(forced.isConsentPage)
            #expect(try await server.decide(first, on: forced, "approve").locationQuery["code"] != nil, "approving a forced page issues the code")
            let forcedAtLogin = try await server.logIn(Browser(), server.authorizeURL(client: client, scope: "openid", extra: [("prompt", "consent")]))
            #expect(forcedAtLogin.isConsentPage, "prompt=consent right after the login form too")
        }
    }

    @Test("RFC 6749 §4.1.2.1: deny sends access_denied to the client, in the request's response mode, and remembers nothing", arguments: TestEngine.all)
    func deny(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient()
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid"))
            let denied = try await server.decide(browser, on: page, "deny")
            #expect(denied.status == 302)
            #expect(denied.locationQuery["error"] == "access_denied")
            #expect(denied.locationQuery["state"] == "state-123")
            #expect(denied.locationQuery["code"] == nil)
            #expect(try await browser.get(server.authorizeURL(client: client, scope: "openid")).isConsentPage, "a denial is not remembered")

            let formPost = try await browser.get(server.authorizeURL(client: client, scope: "openid", extra: [("response_mode", "form_post")]))
            let posted = try #require(FormPostPage(html: try await server.decide(browser, on: formPost, "deny").body))
            #expect(posted.action == TestServer.redirectURI)
            #expect(posted.fields["error"] == "access_denied")
            #expect(posted.fields["code"] == nil)
        }
    }

    @Test("OpenID Connect Core §11: offline_access for a third-party client needs consent like any scope", arguments: TestEngine.all)
    func offlineAccessNeedsConsent(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient()
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid profile"))
            #expect(try await server.decide(browser, on: page, "approve").locationQuery["code"] != nil)

            let silent = try await browser.get(server.authorizeURL(client: client, scope: "openid profile offline_access", extra: [("prompt", "none")]))
            #expect(silent.locationQuery["error"] == "consent_required", "offline_access was not consented to")
            let offline = try await browser.get(server.authorizeURL(client: client, scope: "openid profile offline_access"))
            #expect(offline.isConsentPage)
            #expect(offline.body.contains("offline access"))
            let denied = try await server.decide(browser, on: offline, "deny")
            #expect(denied.locationQuery["error"] == "access_denied", "no refresh token without consent")

            let asked = try await browser.get(server.authorizeURL(client: client, scope: "openid profile offline_access"))
            let code = try #require(try await server.decide(browser, on: asked, "approve").locationQuery["code"])
            let tokens = try await server.exchange(Secret(code), client: client)
            #expect(tokens.json["refresh_token"] is String, "consented: a refresh token")
        }
    }

    @Test("first-party clients see no consent page, even with prompt=consent", arguments: TestEngine.all)
    func firstPartyNoPage(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addClient()
            let browser = Browser()
            let login = try await server.logIn(browser, server.authorizeURL(client: client))
            #expect(login.status == 302)
            #expect(login.locationQuery["code"] != nil)
            let forced = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "consent")]))
            #expect(forced.status == 302)
            #expect(forced.locationQuery["code"] != nil)
        }
    }

    @Test("attack: a consent POST without, or with a wrong, CSRF token — or from another browser — is refused with an HTML error page and no code",
          arguments: TestEngine.all)
    func csrf(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient()
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid"))
            let form = try #require(LoginForm(html: page.body))
            let attacker = Browser()
            _ = try await server.logIn(attacker, server.authorizeURL(client: client, scope: "openid"))
            let attempts: [(String, Browser, [(String, String)])] = [
                ("no token", browser, [("authorization_request", form.authorizationRequest), ("decision", "approve")]),
                ("wrong token", browser, [("csrf_token", String(form.csrfToken.reversed())), ("authorization_request", form.authorizationRequest),
                                          ("decision", "approve")]),
                ("another browser's session", attacker, [("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                                                         ("decision", "approve")]),
                ("no session", Browser(), [("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                                           ("decision", "approve")]),
            ]
            for (name, sender, fields) in attempts {
                let refused = try await sender.post(server.url("/consent"), form: fields)
                #expect(refused.status == 400, "\(name)")
                #expect(refused.header("Content-Type")?.hasPrefix("text/html") == true, "\(name)")
                #expect(refused.body.contains("invalid_request"), "\(name)")
                #expect(refused.location == nil, "\(name): no redirect, no code")
            }
            #expect(try await browser.get(server.authorizeURL(client: client, scope: "openid", extra: [("prompt", "none")]))
                .locationQuery["error"] == "consent_required", "nothing was remembered")
        }
    }

    @Test("attack: a forged consent POST that changes the scopes cannot widen what is granted", arguments: TestEngine.all)
    func forgedScopes(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let client = try await server.addThirdPartyClient()
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid read:orders", extra: [("audience", Self.orders)]))
            let form = try #require(LoginForm(html: page.body))

            // The signed request changed: refused.
            let widened = form.authorizationRequest.replacingOccurrences(of: "read%3Aorders", with: "read%3Aorders+write%3Aorders")
                .replacingOccurrences(of: "read:orders", with: "read:orders write:orders")
            #expect(widened != form.authorizationRequest)
            let changed = try await browser.post(server.url("/consent"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", widened), ("decision", "approve"),
            ])
            #expect(changed.status == 400)
            #expect(changed.location == nil)

            // A scope field beside the signed request: ignored.
            let extra = try await browser.post(server.url("/consent"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest), ("decision", "approve"),
                ("scope", "openid offline_access read:orders write:orders"),
            ])
            let code = try #require(extra.locationQuery["code"])
            let tokens = try await server.exchange(Secret(code), client: client)
            #expect(tokens.json["scope"] as? String == "openid read:orders")
            #expect(tokens.json["refresh_token"] == nil)
            let silent = try await browser.get(server.authorizeURL(client: client, scope: "openid read:orders write:orders",
                                                                   extra: [("audience", Self.orders), ("prompt", "none")]))
            #expect(silent.locationQuery["error"] == "consent_required", "write:orders was never consented to")
        }
    }

    @Test("OpenID Connect Core §11: a third-party client without a client grant gets an API token after consent; a first-party one without a grant is still refused",
          arguments: TestEngine.all)
    func thirdPartyAPIWithoutGrant(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            let thirdParty = try await server.addThirdPartyClient()
            let browser = Browser()
            let page = try await server.logIn(browser, server.authorizeURL(client: thirdParty, scope: "openid offline_access write:orders",
                                                                           extra: [("audience", Self.orders)]))
            let code = try #require(try await server.decide(browser, on: page, "approve").locationQuery["code"])
            let tokens = try await server.exchange(Secret(code), client: thirdParty)
            #expect(tokens.json["scope"] as? String == "openid offline_access write:orders")
            let (claims, _) = try await server.verifyAccessToken(try #require(tokens.json["access_token"] as? String))
            #expect(claims.scope == "openid offline_access write:orders")
            #expect(claims.aud.contains(Self.orders))
            let refreshed = try await server.refresh(try #require(tokens.json["refresh_token"] as? String), client: thirdParty)
            #expect(refreshed.status == 200, "the refresh keeps the consented permissions: \(refreshed.body)")
            #expect(refreshed.json["scope"] as? String == "openid offline_access write:orders")

            let firstParty = try await server.addClient()
            let refused = try await server.logIn(Browser(), server.authorizeURL(client: firstParty, scope: "openid write:orders",
                                                                                extra: [("audience", Self.orders)]))
            #expect(refused.locationQuery["error"] == "access_denied", "first-party clients still need a client grant")
            #expect(refused.locationQuery["code"] == nil)
        }
    }

    @Test("revoking a consent ends that client's tokens for that user only: another user's, and the user's at another client, keep working",
          arguments: TestEngine.all)
    func revokeIsolated(engine: TestEngine) async throws {
        try await Self.withServer(engine) { server in
            try await server.addUser(email: "bob@example.com")
            let client = try await server.addThirdPartyClient()
            let other = try await server.addThirdPartyClient(name: "Other App")
            /// Alice's or Bob's tokens at `client` after consenting.
            func tokens(_ email: String, _ client: TestServer.RegisteredClient) async throws -> HTTPResult {
                let browser = Browser()
                let page = try await server.logIn(browser, server.authorizeURL(client: client, scope: "openid offline_access"), email: email)
                let code = try #require(try await server.decide(browser, on: page, "approve").locationQuery["code"])
                return try await server.exchange(Secret(code), client: client)
            }
            let alice = try await tokens("alice@example.com", client)
            let bob = try await tokens("bob@example.com", client)
            let aliceElsewhere = try await tokens("alice@example.com", other)

            try await server.provider.administration.revokeConsent(email: "alice@example.com", clientID: client.id)
            #expect(try await server.refresh(try #require(alice.json["refresh_token"] as? String), client: client).oauthError == "invalid_grant")
            #expect(try await server.userInfo(try #require(alice.json["access_token"] as? String)).status == 401)
            #expect(try await server.refresh(try #require(bob.json["refresh_token"] as? String), client: client).status == 200,
                    "Bob's consent and tokens are his own")
            #expect(try await server.refresh(try #require(aliceElsewhere.json["refresh_token"] as? String), client: other).status == 200,
                    "Alice's consent to the other client stands")
            #expect(try await server.provider.administration.consents(email: "alice@example.com").map(\.clientID) == [other.id])
            await #expect(throws: RegistrationError.self, "no consent left to revoke") {
                try await server.provider.administration.revokeConsent(email: "alice@example.com", clientID: client.id)
            }
        }
    }

    @Test("OpenID Connect Discovery §3: prompt_values_supported includes consent", arguments: [TestEngine.sqlite])
    func discovery(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let metadata = try await send(.GET, server.url("/.well-known/openid-configuration")).json
            #expect(metadata["prompt_values_supported"] as? [String] == ["none", "login", "consent"])
        }
    }
}

extension TestServer {
    /// A third-party client (`clients add --third-party`), confidential.
    func addThirdPartyClient(name: String = "Third Party App") async throws -> RegisteredClient {
        var registration = ClientRegistration(name: name, redirectURIs: [TestServer.redirectURI])
        registration.isThirdParty = true
        let registered = try await provider.administration.addClient(registration)
        if let secret = registered.secret { ledger.record(secret) }
        return RegisteredClient(id: registered.client.id, secret: registered.secret)
    }
}
