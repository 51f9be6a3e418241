import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Login throttling under the attacks it exists for: parallel guesses, floods, smuggled emails.
@Suite("Login throttle under attack")
struct LoginFloodTests {
    /// The login form of a fresh browser, ready to be posted.
    static func loginForm(_ server: TestServer, client: TestServer.RegisteredClient, browser: Browser) async throws -> LoginForm {
        let page = try await browser.get(server.authorizeURL(client: client))
        return try #require(LoginForm(html: page.body))
    }

    static func post(_ server: TestServer, _ form: LoginForm, browser: Browser, email: String, password: String) async throws -> HTTPResult {
        try await browser.post(server.url("/login"), form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
            ("email", email), ("password", password),
        ])
    }

    /// Posts wrong passwords for `emails`, all at once, each from a browser whose form was fetched beforehand.
    static func parallelGuesses(_ server: TestServer, client: TestServer.RegisteredClient, emails: [String]) async throws -> [HTTPResult] {
        var prepared: [(Browser, LoginForm, String)] = []
        for email in emails {
            let browser = Browser()
            prepared.append((browser, try await loginForm(server, client: client, browser: browser), email))
        }
        return try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for (browser, form, email) in prepared {
                group.addTask { try await Self.post(server, form, browser: browser, email: email, password: "wrong guess") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("parallel wrong passwords for one account: at most the budget's password checks, the rest 429 with Retry-After", arguments: TestEngine.all)
    func parallelGuessesOneAccount(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let before = await server.provider.passwords.checksPerformed
            let results = try await Self.parallelGuesses(server, client: client, emails: Array(repeating: "alice@example.com", count: 40))
            let checks = await server.provider.passwords.checksPerformed - before
            let refused = results.filter { $0.status == 401 }, throttled = results.filter { $0.status == 429 }
            #expect(refused.count + throttled.count == 40, "statuses: \(results.map(\.status))")
            #expect(checks == refused.count, "every 401 is one password check, every 429 none")
            #expect(checks <= LoginThrottlePolicy().freeAttemptsPerAccount, "\(checks) password checks")
            let waits = throttled.map { Int($0.header("Retry-After") ?? "") ?? 0 }
            #expect(waits.min() ?? 1 >= 1, "every 429 says when to come back: \(waits)")
        }
    }

    @Test("parallel attempts on one account through several nodes: the database counts each before the password, admitting exactly the free attempts", arguments: TestEngine.all)
    func atomicCountAcrossNodes(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                try await store.migrate()
                let policy = LoginThrottlePolicy(), now = 1_000_000
                let counter = LoginThrottleCounter(key: "account:test") {
                    now + policy.delay(afterFailures: $0, free: policy.freeAttemptsPerAccount, maximum: policy.maximumAccountDelay)
                }
                let outcomes = try await withThrowingTaskGroup(of: LoginAttemptCount.self) { group in
                    for _ in 0..<40 {
                        group.addTask { try await store.countAttempt([counter], at: now, forgetBefore: now - policy.memory) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == .counted }.count == policy.freeAttemptsPerAccount)
                #expect(outcomes.filter { $0 == .blocked(until: now + 1) }.count == 40 - policy.freeAttemptsPerAccount)
                try await store.refundAttempt([counter])
                #expect(try await store.countAttempt([counter], at: now, forgetBefore: now - policy.memory) == .counted,
                        "a refunded attempt unblocks the budget it took")
            }
        }
    }

    @Test("a flood of logins beyond the process's bcrypt bound: 429 with Retry-After, never a 5xx, and no check beyond the bound", arguments: TestEngine.all)
    func bcryptFloodIsBounded(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: {
            $0.bcryptCost = 10
            $0.concurrentPasswordChecks = 1
            $0.queuedPasswordChecks = 0
        }) { server in
            let client = try await server.addClient()
            let before = await server.provider.passwords.checksPerformed
            let results = try await Self.parallelGuesses(server, client: client, emails: (0..<16).map { "user\($0)@example.com" })
            let checks = await server.provider.passwords.checksPerformed - before
            let busy = results.filter { $0.status == 429 }
            let unexpected = results.map(\.status).filter { $0 != 401 && $0 != 429 }
            #expect(unexpected.isEmpty, "statuses: \(results.map(\.status))")
            #expect(!busy.isEmpty, "one check at a time and none waiting: parallel logins are turned away")
            let retryAfter = Set(busy.map { $0.header("Retry-After") })
            #expect(retryAfter == ["1"], "busy: try again in a second")
            #expect(checks == results.count - busy.count)
        }
    }

    @Test("a NUL byte or other control character in the email: a 400 page, never a login under a fresh throttle key", arguments: TestEngine.all)
    func controlCharacterInEmail(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for smuggled in ["alice@example.com\u{0}x1", "alice@example.com\u{0}", "alice@example.com\r\nx", "alice\u{7F}@example.com"] {
                let browser = Browser()
                let form = try await Self.loginForm(server, client: client, browser: browser)
                let result = try await Self.post(server, form, browser: browser, email: smuggled, password: TestServer.password)
                #expect(result.status == 400, "\(smuggled.debugDescription)")
                #expect(result.location == nil)
                #expect(result.body.contains("control character"))
            }
        }
    }

    @Test("another spelling of the email counts against the same account: the throttle keys on what the lookup finds", arguments: TestEngine.all)
    func emailSpellingsShareOneBudget(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for _ in 0..<LoginThrottlePolicy().freeAttemptsPerAccount {
                let browser = Browser()
                let form = try await Self.loginForm(server, client: client, browser: browser)
                #expect(try await Self.post(server, form, browser: browser, email: "alice@example.com", password: "wrong").status == 401)
            }
            let browser = Browser()
            let form = try await Self.loginForm(server, client: client, browser: browser)
            let respelled = try await Self.post(server, form, browser: browser, email: "  ALICE@Example.COM ", password: TestServer.password)
            #expect(respelled.status == 429)
        }
    }

    @Test("control characters in client_id or redirect_uri at /authorize: a 400 page, no lookup by a shortened id", arguments: TestEngine.all)
    func controlCharacterInAuthorizeIdentifiers(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            for (name, value) in [("client_id", client.id + "\u{0}x"), ("redirect_uri", TestServer.redirectURI + "\u{0}"),
                                  ("client_id", client.id + "\n")] {
                let result = try await send(.GET, server.authorizeURL(client: client, extra: [(name, value)]))
                #expect(result.status == 400, "\(name)=\(value.debugDescription)")
                #expect(result.location == nil)
                #expect(result.body.contains("control character"))
            }
            let scope = try await send(.GET, server.authorizeURL(client: client, extra: [("scope", "openid\u{0}profile")]))
            #expect(scope.status == 302)
            #expect(["invalid_request", "invalid_scope"].contains(scope.locationQuery["error"] ?? ""))
        }
    }

    @Test("a NUL byte in client_id at the token endpoint: invalid_request, never the client whose id is its prefix", arguments: TestEngine.all)
    func controlCharacterInTokenClientID(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let secret = try #require(client.secret)
            let body = formBody([("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", TestServer.redirectURI),
                                 ("client_id", client.id + "\u{0}x"), ("client_secret", secret.unredacted)])
            let result = try await send(.POST, server.url("/oauth/token"), headers: [body.header], body: body.body)
            #expect(result.status == 400)
            #expect(result.oauthError == "invalid_request")
            let basic = try await send(.POST, server.url("/oauth/token"), headers: [
                basicAuthorization(id: client.id + "\u{0}", secret: secret),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ], body: "grant_type=authorization_code&code=x")
            #expect(basic.status == 400)
            #expect(basic.oauthError == "invalid_request")
        }
    }
}
