import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Throttling that must not become a lock-out: capped back-off, and the real client behind a
/// trusted proxy rather than one address for everyone.
@Suite("Login throttle is no lock-out")
struct LoginLockoutTests {
    /// One login attempt from a fresh browser, with extra request headers.
    static func attempt(_ server: TestServer, client: TestServer.RegisteredClient, email: String, password: String = "wrong guess",
                        headers: [(String, String)] = []) async throws -> HTTPResult {
        let browser = Browser()
        let form = try await LoginFloodTests.loginForm(server, client: client, browser: browser)
        return try await browser.post(server.url("/login"), form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
            ("email", email), ("password", password),
        ], headers: headers)
    }

    /// Makes `count` failed attempts count, waiting out each back-off on the server's clock; the waits it was given.
    static func fail(_ count: Int, _ server: TestServer, client: TestServer.RegisteredClient, email: (Int) -> String) async throws -> [Int] {
        var waits: [Int] = []
        var failed = 0
        while failed < count {
            let result = try await attempt(server, client: client, email: email(failed))
            if result.status == 429 {
                let wait = try #require(Int(result.header("Retry-After") ?? ""))
                waits.append(wait)
                server.clock.advance(by: wait)
            } else {
                #expect(result.status == 401)
                failed += 1
            }
        }
        return waits
    }

    @Test("a flood of failures from one address holds other accounts back at most 60 s, then they log in", arguments: TestEngine.all)
    func addressBackoffIsCapped(engine: TestEngine) async throws {
        var policy = LoginThrottlePolicy()
        policy.freeAttemptsPerAddress = 3
        try await TestServer.with(engine, configure: { [policy] in $0.loginThrottle = policy }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            // 3 free, then 1, 2, 4, … s: uncapped, the 12th failure would block the address for 512 s.
            let waits = try await Self.fail(12, server, client: client) { "victim\($0)@example.com" }
            #expect(waits.max() == 60, "waits: \(waits)")
            let blocked = try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password)
            #expect(blocked.status == 429)
            let wait = try #require(Int(blocked.header("Retry-After") ?? ""))
            #expect(wait <= 60)
            server.clock.advance(by: wait)
            #expect(try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password).status == 302)
        }
    }

    @Test("an account under attack waits at most 15 minutes between guesses, however many failed", arguments: TestEngine.all)
    func accountBackoffIsCapped(engine: TestEngine) async throws {
        var policy = LoginThrottlePolicy()
        policy.freeAttemptsPerAddress = 1_000
        try await TestServer.with(engine, configure: { [policy] in $0.loginThrottle = policy }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            // 5 free, then 1, 2, … 512 s, then the cap.
            let waits = try await Self.fail(18, server, client: client) { _ in "alice@example.com" }
            #expect(waits.max() == 900, "waits: \(waits)")
            #expect(waits.suffix(2) == [900, 900])
        }
    }

    @Test("without a trusted proxy, X-Forwarded-For and Forwarded are ignored: forged addresses share the peer's budget", arguments: TestEngine.all)
    func forgedForwardingIsIgnored(engine: TestEngine) async throws {
        var policy = LoginThrottlePolicy()
        policy.freeAttemptsPerAddress = 3
        try await TestServer.with(engine, configure: { [policy] in $0.loginThrottle = policy }) { server in
            let client = try await server.addClient()
            for index in 0..<3 {
                let result = try await Self.attempt(server, client: client, email: "user\(index)@example.com",
                                                    headers: [("X-Forwarded-For", "198.51.100.\(index)")])
                #expect(result.status == 401)
            }
            let forged = try await Self.attempt(server, client: client, email: "user9@example.com",
                                                headers: [("X-Forwarded-For", "198.51.100.99"), ("Forwarded", "for=198.51.100.98")])
            #expect(forged.status == 429)
        }
    }

    @Test("behind a trusted proxy, each forwarded client has its own address budget; hops forged left of the proxy's change nothing", arguments: TestEngine.all)
    func trustedProxyForwardsTheClient(engine: TestEngine) async throws {
        var policy = LoginThrottlePolicy()
        policy.freeAttemptsPerAddress = 3
        try await TestServer.with(engine, configure: { [policy] in
            $0.loginThrottle = policy
            $0.trustedProxies = [CIDR("127.0.0.0/8")!, CIDR("::1")!]
        }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            for index in 0..<3 {
                let result = try await Self.attempt(server, client: client, email: "user\(index)@example.com",
                                                    headers: [("X-Forwarded-For", "203.0.113.\(index), 198.51.100.7")])
                #expect(result.status == 401)
            }
            for headers in [[("X-Forwarded-For", "198.51.100.7")], [("X-Forwarded-For", "203.0.113.50, 198.51.100.7")],
                            [("Forwarded", "for=203.0.113.50, for=198.51.100.7;proto=http")],
                            [("X-Forwarded-For", "198.51.100.7, 127.0.0.1")]] {
                let same = try await Self.attempt(server, client: client, email: "user9@example.com", headers: headers)
                #expect(same.status == 429, "\(headers)")
            }
            let other = try await Self.attempt(server, client: client, email: "alice@example.com", password: TestServer.password,
                                               headers: [("Forwarded", "for=\"[2001:db8::1]:4711\"")])
            #expect(other.status == 302, "another client behind the same proxy is not held back")
            let disagreeing = try await Self.attempt(server, client: client, email: "user9@example.com",
                                                     headers: [("X-Forwarded-For", "198.51.100.7"), ("Forwarded", "for=192.0.2.1")])
            #expect(disagreeing.status == 401, "two headers that disagree count against the proxy's own address")
        }
    }
}
