import Foundation
import Testing
import TesseraCore
import TesseraServer

@Suite("Login defences")
struct LoginDefenceTests {
    /// Submits the login form once from a fresh browser.
    static func attempt(_ server: TestServer, client: TestServer.RegisteredClient, email: String, password: String,
                        browser: Browser = Browser()) async throws -> HTTPResult {
        let page = try await browser.get(server.authorizeURL(client: client))
        let form = try #require(LoginForm(html: page.body))
        return try await browser.post(server.url("/login"), form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
            ("email", email), ("password", password),
        ])
    }

    @Test("per account: after the free attempts, 429 with Retry-After — even for the right password — doubling, then cleared by waiting", arguments: TestEngine.all)
    func accountBackoff(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for _ in 0..<5 {
                #expect(try await Self.attempt(server, client: client, email: "alice@example.com", password: "wrong guess").status == 401)
            }
            let blocked = try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password)
            #expect(blocked.status == 429)
            #expect(blocked.header("Retry-After") == "1")
            #expect(blocked.header("Cache-Control") == "no-store")
            #expect(blocked.location == nil)

            server.clock.advance(by: 1)
            #expect(try await Self.attempt(server, client: client, email: "alice@example.com", password: "wrong again").status == 401)
            let longer = try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password)
            #expect(longer.header("Retry-After") == "2", "the wait doubles")

            server.clock.advance(by: 2)
            #expect(try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password).status == 302)
            #expect(try await Self.attempt(server, client: client, email: "alice@example.com", password: "wrong once").status == 401,
                    "a successful login cleared the account's failures")
        }
    }

    @Test("per client address: many accounts tried from one address are throttled too", arguments: TestEngine.all)
    func addressBackoff(engine: TestEngine) async throws {
        var policy = LoginThrottlePolicyDefaults.policy
        policy.freeAttemptsPerAddress = 3
        try await TestServer.with(engine, configure: { [policy] in $0.loginThrottle = policy }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for index in 0..<3 {
                #expect(try await Self.attempt(server, client: client, email: "user\(index)@example.com", password: "guess").status == 401)
            }
            let blocked = try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password)
            #expect(blocked.status == 429)
            #expect(blocked.header("Retry-After") != nil)
        }
    }

    /// Timing is not asserted (a shared machine makes any bound flaky); the work that makes the
    /// two answers take the same time is: each costs exactly one bcrypt check, and the decoy an
    /// unknown email is checked against has the users' cost, since bcrypt's time is its cost's.
    @Test("an unknown email and a wrong password look the same: same status, same text, one bcrypt check of the same cost each",
          arguments: TestEngine.all)
    func noAccountEnumeration(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let passwords = server.provider.passwords
            // A bcrypt hash reads "$2b$COST$…": the user's is made at the cost the decoy is.
            #expect(user.passwordHash.split(separator: "$").dropFirst().first.flatMap { Int($0) } == Int(passwords.cost))
            for index in 0..<3 {
                var before = await passwords.checksPerformed
                let wrongPassword = try await Self.attempt(server, client: client, email: "alice@example.com", password: "wrong \(index)")
                let knownChecks = await passwords.checksPerformed - before
                before = await passwords.checksPerformed
                let unknownEmail = try await Self.attempt(server, client: client, email: "ghost\(index)@example.com", password: "wrong \(index)")
                let unknownChecks = await passwords.checksPerformed - before
                #expect(wrongPassword.status == unknownEmail.status)
                #expect(Self.message(wrongPassword.body) == Self.message(unknownEmail.body))
                #expect(knownChecks == 1, "a wrong password costs one bcrypt check")
                #expect(unknownChecks == 1, "an unknown email costs one bcrypt check too (against the decoy)")
            }
        }
    }

    @Test("each login starts a new session id; the previous one stops working", arguments: TestEngine.all)
    func newSessionOnLogin(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let first = try #require(browser.cookie("tessera_session"))
            let again = try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "login")]))
            let form = try #require(LoginForm(html: again.body))
            _ = try await browser.post(server.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            let second = try #require(browser.cookie("tessera_session"))
            #expect(first != second)
            let stale = Browser()
            stale.setCookie("tessera_session", first)
            #expect(try await stale.get(server.authorizeURL(client: client)).status == 200, "the old session id shows the login page")
        }
    }

    static func message(_ body: String?) -> String? {
        guard let body, let start = body.range(of: "id=\"login-error\">") else { return nil }
        return String(body[start.upperBound...].prefix { $0 != "<" })
    }
}

/// The default policy, named so tests can adjust one field.
enum LoginThrottlePolicyDefaults {
    static var policy: LoginThrottlePolicy { .init() }
}
