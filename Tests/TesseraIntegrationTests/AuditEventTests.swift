import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Issue 15: every provider action an operator asks about leaves one audit event — who, which
/// client and user, from which address, what — driven over HTTP against the real server, with
/// no token, code, password or secret in any event or audit log line.
@Suite("Audit events of the provider's endpoints")
struct AuditEventTests {
    static let loopback = "127.0.0.1"

    @Test("login.succeeded, login.failed (a known account, an unknown email) and login.throttled: client, user, address, the email tried — never the password",
          arguments: TestEngine.all)
    func loginEvents(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let alice = try await server.addUser()
            let loggedIn = try await LoginDefenceTests.attempt(server, client: client, email: "Alice@Example.com", password: TestServer.password)
            #expect(loggedIn.status == 302)
            server.ledger.record(loggedIn.locationQuery["code"].map(Secret.init))
            let succeeded = try await server.event(.loginSucceeded)
            #expect(succeeded.actor == .user(id: alice.id))
            #expect(succeeded.clientID == client.id)
            #expect(succeeded.userID == alice.id)
            #expect(succeeded.ipAddress == Self.loopback)
            #expect(succeeded.occurredAt == server.clock.wallClock.now())
            #expect(succeeded.id.hasPrefix("evt_"))

            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: "wrong guess").status == 401)
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: " Mallory@Example.com", password: "wrong guess").status == 401)
            // A password typed into the email field by mistake is not recorded as the email tried.
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: TestServer.password, password: "x").status == 401)
            let failed = try await server.events(.loginFailed)
            #expect(failed.count == 3)
            let known = try #require(failed.first { $0.userID == alice.id }, "the known account's failure names it")
            #expect(known.detail("email") == "alice@example.com")
            #expect(known.actor == .client(id: client.id), "a refused attempt is not the account owner's doing")
            #expect(known.clientID == client.id)
            #expect(known.ipAddress == Self.loopback)
            let unknown = try #require(failed.first { $0.detail("email") == "mallory@example.com" }, "the email tried, normalised")
            #expect(unknown.userID == nil)
            #expect(failed.contains { $0.userID == nil && $0.details["email"] == nil }, "the mistyped password is left out")

            // alice has 5 free attempts (1 used above): four more wrong ones, then the sixth is blocked.
            for _ in 0..<4 {
                #expect(try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: "wrong again").status == 401)
            }
            let blocked = try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: TestServer.password)
            #expect(blocked.status == 429)
            let throttled = try await server.event(.loginThrottled)
            #expect(throttled.userID == alice.id)
            #expect(throttled.clientID == client.id)
            #expect(throttled.ipAddress == Self.loopback)
            #expect(throttled.detail("email") == "alice@example.com")
            #expect(throttled.details["retry_after"] == .number(Double(try #require(blocked.header("Retry-After").flatMap(Int.init)))))
            #expect(try await server.events(.loginSucceeded).count == 1, "the blocked right password logged nobody in")
            // attack: a flood of blocked attempts (cheap: no password is checked) writes no more
            // rows: one login.throttled per block, however many attempts it refuses.
            for email in ["alice@example.com", "Alice@Example.com", "alice@example.com"] {
                #expect(try await LoginDefenceTests.attempt(server, client: client, email: email, password: "flood").status == 429)
            }
            #expect(try await server.events(.loginThrottled).count == 1, "one event for the block, not one per blocked attempt")
            try await server.expectNoSecretInEvents()
        }
    }

    @Test("consent.given: the user, the third-party client, the scope and the API consented to", arguments: TestEngine.all)
    func consentEvent(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addThirdPartyClient()
            let alice = try await server.addUser()
            try await server.grantOrders(to: client)
            let browser = Browser()
            let authorizeURL = server.authorizeURL(client: client, scope: "openid read:orders", extra: [("audience", TestServer.ordersAPI)])
            let page = try await server.logIn(browser, authorizeURL)
            #expect(try await server.events(.consentGiven).isEmpty, "showing the page is not consenting")
            #expect(try await server.decide(browser, on: page, "approve").locationQuery["code"] != nil)
            let consent = try await server.event(.consentGiven)
            #expect(consent.actor == .user(id: alice.id))
            #expect(consent.userID == alice.id)
            #expect(consent.clientID == client.id)
            #expect(consent.ipAddress == Self.loopback)
            #expect(consent.detail("scope") == "openid read:orders")
            #expect(consent.detail("audience") == TestServer.ordersAPI)

            let denied = Browser()
            let again = try await server.logIn(denied, server.authorizeURL(client: client, scope: "openid profile"))
            #expect(try await server.decide(denied, on: again, "deny").locationQuery["error"] == "access_denied")
            #expect(try await server.events(.consentGiven).count == 1, "a denial gives no consent")
            try await server.expectNoSecretInEvents()
        }
    }

    @Test("tokens.issued for authorization_code (DPoP-bound, for an API), refresh_token and client_credentials: grant type, client, subject, audience, scope",
          arguments: TestEngine.all)
    func tokenEvents(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let alice = try await server.addUser()
            try await server.grantOrders(to: client)
            let code = try await server.code(for: client, scope: "openid offline_access read:orders", audienceOf: TestServer.ordersAPI)
            let exchanged = try await server.exchange(code, client: client, dpop: try server.tokenProof(DPoPKey.generate(.es256)))
            #expect(exchanged.status == 200)
            let refreshToken = try #require(exchanged.json["refresh_token"] as? String)
            #expect(try await server.refresh(refreshToken, client: client, scope: "openid read:orders").status == 200)

            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, TestServer.ordersAPI, scopes: "read:orders")
            #expect(try await server.clientCredentials(machine, audience: TestServer.ordersAPI).status == 200)

            let issued = try await server.events(.tokensIssued)
            #expect(issued.count == 3)
            let byCode = try #require(issued.first { $0.detail("grant_type") == "authorization_code" })
            #expect(byCode.actor == .client(id: client.id))
            #expect(byCode.clientID == client.id)
            #expect(byCode.userID == alice.id, "the subject")
            #expect(byCode.ipAddress == Self.loopback)
            #expect(byCode.detail("audience") == TestServer.ordersAPI)
            #expect(byCode.detail("scope") == "openid offline_access read:orders")
            #expect(byCode.flag("dpop_bound") == true)
            #expect(byCode.flag("refresh_token") == true)
            #expect(byCode.flag("id_token") == true)

            let byRefresh = try #require(issued.first { $0.detail("grant_type") == "refresh_token" })
            #expect(byRefresh.userID == alice.id)
            #expect(byRefresh.clientID == client.id)
            #expect(byRefresh.detail("scope") == "openid read:orders", "the narrowed scope of this access token")
            #expect(byRefresh.flag("dpop_bound") == false)
            #expect(byRefresh.detail("grant_id") == byCode.detail("grant_id"), "one family")

            let byMachine = try #require(issued.first { $0.detail("grant_type") == "client_credentials" })
            #expect(byMachine.actor == .client(id: machine.id))
            #expect(byMachine.clientID == machine.id)
            #expect(byMachine.userID == nil, "no user")
            #expect(byMachine.detail("audience") == TestServer.ordersAPI)
            #expect(byMachine.detail("scope") == "read:orders")
            #expect(byMachine.flag("refresh_token") == false)

            // A refused request issues nothing.
            TokenEndpointErrorTests.expectError(try await server.exchange(code, client: client), "invalid_grant")
            #expect(try await server.events(.tokensIssued).count == 3)
            try await server.expectNoSecretInEvents()
        }
    }

    @Test("attack: a rotated-out refresh token presented again — refresh_token.reused, once, naming the client, the user and the family revoked",
          arguments: TestEngine.all)
    func refreshReuseEvent(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let alice = try await server.addUser()
            let first = try await RefreshAndRevocationTests.tokens(server, client)
            #expect(try await server.refresh(first.refresh, client: client).status == 200)
            #expect(try await server.events(.refreshTokenReused).isEmpty, "a normal rotation is no reuse")
            TokenEndpointErrorTests.expectError(try await server.refresh(first.refresh, client: client), "invalid_grant")
            let reused = try await server.event(.refreshTokenReused)
            #expect(reused.actor == .client(id: client.id))
            #expect(reused.clientID == client.id)
            #expect(reused.userID == alice.id)
            #expect(reused.ipAddress == Self.loopback)
            #expect(reused.flag("family_revoked") == true)
            let issued = try #require(try await server.events(.tokensIssued).first { $0.detail("grant_type") == "authorization_code" })
            #expect(reused.detail("grant_id") == issued.detail("grant_id"), "the family revoked is the one the code started")
            try await server.expectNoSecretInEvents()
        }
    }

    @Test("token.revoked at /oauth/revoke: one per token the client revoked (access, then refresh); none for an unknown token or another client's",
          arguments: TestEngine.all)
    func revocationEvents(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let other = try await server.addClient()
            let alice = try await server.addUser()
            let tokens = try await RefreshAndRevocationTests.tokens(server, client)
            for (token, client) in [("never-issued", client), (tokens.refresh, other)] {
                #expect(try await Self.revoke(token, by: client, on: server).status == 200)
            }
            #expect(try await server.events(.tokenRevoked).isEmpty, "nothing was revoked")

            #expect(try await Self.revoke(tokens.access, hint: "access_token", by: client, on: server).status == 200)
            #expect(try await Self.revoke(tokens.refresh, by: client, on: server).status == 200)
            let revoked = try await server.events(.tokenRevoked)
            #expect(revoked.map { $0.detail("token_type") } == ["refresh_token", "access_token"], "newest first")
            for event in revoked {
                #expect(event.actor == .client(id: client.id))
                #expect(event.clientID == client.id)
                #expect(event.userID == alice.id)
                #expect(event.ipAddress == Self.loopback)
            }
            try await server.expectNoSecretInEvents()
        }
    }

    @Test("logout: /oidc/logout with the session's id_token_hint, and /v2/logout once the user confirms, each record one event; a confirmation page or no session records none",
          arguments: TestEngine.all)
    func logoutEvents(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [LogoutAndSessionTests.afterLogout])
            let alice = try await server.addUser()
            let browser = Browser()
            let code = Secret(try #require(try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))["code"]))
            let idToken = try #require(try await server.exchange(code, client: client).json["id_token"] as? String)
            let hinted = try await browser.get(server.url("/oidc/logout?") + FormURLEncoding.encode([
                ("id_token_hint", idToken), ("post_logout_redirect_uri", LogoutAndSessionTests.afterLogout),
            ]))
            #expect(hinted.status == 302)
            let byHint = try await server.event(.logout)
            #expect(byHint.actor == .user(id: alice.id))
            #expect(byHint.userID == alice.id)
            #expect(byHint.clientID == client.id)
            #expect(byHint.ipAddress == Self.loopback)
            #expect(byHint.detail("confirmed_by") == "id_token_hint")
            #expect(try await browser.get(server.url("/oidc/logout")).status == 200)
            #expect(try await server.events(.logout).count == 1, "a browser already logged out ends nothing")

            let second = Browser()
            _ = try await server.authorize(second, authorizeURL: server.authorizeURL(client: client))
            let page = try await second.get(server.url("/v2/logout?client_id=\(client.id)&returnTo=\(FormURLEncoding.escape(LogoutAndSessionTests.afterLogout))"))
            let confirmation = try #require(LogoutConfirmation(html: page.body))
            #expect(try await server.events(.logout).count == 1, "the confirmation page ends nothing")
            let confirmed = try await second.post(server.url(confirmation.action), form: confirmation.fields)
            #expect(confirmed.location == LogoutAndSessionTests.afterLogout)
            let byUser = try #require(try await server.events(.logout).first)
            #expect(byUser.id != byHint.id)
            #expect(byUser.detail("confirmed_by") == "user")
            #expect(byUser.userID == alice.id)
            #expect(byUser.clientID == client.id)
            try await server.expectNoSecretInEvents()
        }
    }

    @Test("signing_keys.rotated: the scheduled rotation (--key-rotation-days) records one event per algorithm, by the system, naming the new kid",
          arguments: TestEngine.all)
    func scheduledRotationEvents(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.keyRotationDays = 1; $0.keyReloadInterval = .milliseconds(20) }) { server in
            let ring = server.provider.keyRing
            let before = try #require(ring.signingKid(for: .rs256))
            server.clock.advance(by: 86_401)
            try await eventually("the scheduled rotation of every algorithm") {
                try await server.events(.signingKeysRotated).count >= SigningAlgorithm.allCases.count
            }
            let rotated = try await server.events(.signingKeysRotated)
            #expect(rotated.count == SigningAlgorithm.allCases.count, "once per algorithm: \(rotated.map(\.jsonLine))")
            for algorithm in SigningAlgorithm.allCases {
                let event = try #require(rotated.first { $0.detail("alg") == algorithm.rawValue })
                #expect(event.actor == .system)
                #expect(event.clientID == nil && event.userID == nil && event.ipAddress == nil)
                #expect(event.detail("kid") == ring.signingKid(for: algorithm))
            }
            #expect(ring.signingKid(for: .rs256) != before)
        }
    }

    @Test("behind a trusted proxy, events carry the forwarded client's address; without one, a forged X-Forwarded-For is not believed",
          arguments: TestEngine.all)
    func forwardedAddress(engine: TestEngine) async throws {
        let forwarded = [("X-Forwarded-For", "203.0.113.7")]
        try await TestServer.with(engine, configure: { $0.trustedProxies = [CIDR("127.0.0.1/32")!] }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let page = try await browser.get(server.authorizeURL(client: client))
            let form = try #require(LoginForm(html: page.body))
            let loggedIn = try await browser.post(server.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ], headers: forwarded)
            let code = Secret(try #require(loggedIn.locationQuery["code"]))
            server.ledger.record(code)
            #expect(try await server.token([("grant_type", "authorization_code"), ("code", code.unredacted), ("redirect_uri", TestServer.redirectURI)],
                                           client: client, headers: forwarded).status == 200)
            #expect(try await server.event(.loginSucceeded).ipAddress == "203.0.113.7")
            #expect(try await server.event(.tokensIssued).ipAddress == "203.0.113.7")
        }
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            #expect(try await server.token([("grant_type", "authorization_code"), ("code", code.unredacted), ("redirect_uri", TestServer.redirectURI)],
                                           client: client, headers: forwarded).status == 200)
            #expect(try await server.event(.tokensIssued).ipAddress == Self.loopback, "the peer, not what it claims")
        }
    }

    @Test("no stored event and no audit log line holds a secret the flows used: passwords (right, wrong, typed as the email), client secrets, codes, tokens, or their SHA-256",
          arguments: TestEngine.all)
    func noSecretInTheTrail(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [LogoutAndSessionTests.afterLogout])
            let thirdParty = try await server.addThirdPartyClient()
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.addUser()
            try await server.grantOrders(to: machine)
            let wrong = Secret("wrong-\(UUID().uuidString)")
            server.ledger.record(wrong)
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: "alice@example.com", password: wrong.unredacted).status == 401)
            #expect(try await LoginDefenceTests.attempt(server, client: client, email: wrong.unredacted, password: wrong.unredacted).status == 401)

            let browser = Browser()
            let code = Secret(try #require(try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))["code"]))
            let tokens = try await server.exchange(code, client: client)
            let idToken = try #require(tokens.json["id_token"] as? String)
            let first = try #require(tokens.json["refresh_token"] as? String)
            let second = try #require(try await server.refresh(first, client: client).json["refresh_token"] as? String)
            TokenEndpointErrorTests.expectError(try await server.refresh(first, client: client), "invalid_grant")
            TokenEndpointErrorTests.expectError(try await server.exchange(code, client: client), "invalid_grant")
            #expect(try await Self.revoke(second, by: client, on: server).status == 200)
            _ = try await browser.get(server.url("/oidc/logout?") + FormURLEncoding.encode([("id_token_hint", idToken)]))

            let third = try await server.exchange(try await server.code(for: thirdParty), client: thirdParty)
            #expect(try await Self.revoke(try #require(third.json["access_token"] as? String), by: thirdParty, on: server).status == 200)
            #expect(try await server.clientCredentials(machine, audience: TestServer.ordersAPI).status == 200)

            let types = Set(try await server.events().map(\.type))
            #expect(types.isSuperset(of: [.loginFailed, .loginSucceeded, .consentGiven, .tokensIssued, .refreshTokenReused, .tokenRevoked, .logout]),
                    "every kind of provider event is in the scan: \(types)")
            try await server.expectNoSecretInEvents()
            server.ledger.expectNoneLogged()
        }
    }

    /// `POST /oauth/revoke` of `token`, Basic-authenticated as `client`.
    static func revoke(_ token: String, hint: String? = nil, by client: TestServer.RegisteredClient, on server: TestServer) async throws -> HTTPResult {
        var pairs = [("token", token)]
        if let hint { pairs.append(("token_type_hint", hint)) }
        let form = formBody(pairs)
        return try await send(.POST, server.url("/oauth/revoke"), headers: [basicAuthorization(id: client.id, secret: try #require(client.secret)), form.header],
                              body: form.body)
    }
}

extension ProviderUnderTest {
    /// A code for `client` asking for `scope` and the API `audience`.
    func code(for client: TestServer.RegisteredClient, scope: String, audienceOf audience: String) async throws -> Secret {
        let query = try await authorize(Browser(), authorizeURL: authorizeURL(client: client, scope: scope, extra: [("audience", audience)]))
        return Secret(try #require(query["code"], "no code in \(query)"))
    }
}
