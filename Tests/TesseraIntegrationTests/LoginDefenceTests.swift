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

    @Test("an unknown email and a wrong password look the same: same status, same text, comparable time", arguments: TestEngine.all)
    func noAccountEnumeration(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.bcryptCost = 10 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            var known: [Double] = [], unknown: [Double] = []
            for index in 0..<5 {
                let clock = ContinuousClock()
                var wrongPassword: HTTPResult?, unknownEmail: HTTPResult?
                known.append(Self.seconds(try await clock.measure {
                    wrongPassword = try await Self.attempt(server, client: client, email: "alice@example.com", password: "wrong \(index)")
                }))
                unknown.append(Self.seconds(try await clock.measure {
                    unknownEmail = try await Self.attempt(server, client: client, email: "ghost\(index)@example.com", password: "wrong \(index)")
                }))
                #expect(wrongPassword?.status == unknownEmail?.status)
                #expect(Self.message(wrongPassword?.body) == Self.message(unknownEmail?.body))
            }
            // Without the decoy hash an unknown email would answer in well under a tenth of the time.
            // The fastest of five attempts is the least disturbed by whatever else the machine runs.
            let (knownFastest, unknownFastest) = (known.min() ?? 0, unknown.min() ?? 0)
            #expect(unknownFastest > knownFastest * 0.5, "unknown \(unknownFastest)s vs wrong password \(knownFastest)s")
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

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
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
