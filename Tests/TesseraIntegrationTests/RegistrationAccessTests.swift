import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Who may register: nobody by default, anyone with `open`, holders of an initial access token
/// with `token` — and nobody too often from one address.
@Suite("RFC 7591 §3: who may register a client")
struct RegistrationAccessTests {
    @Test("--registration off (the default): /oauth/register is 404 and discovery has no registration_endpoint", arguments: TestEngine.all)
    func offByDefault(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let response = try await server.register(["redirect_uris": [TestServer.redirectURI]])
            #expect(response.status == 404)
            #expect(try await send(.GET, server.url("/oauth/register/anything")).status == 404)
            for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
                let discovery = try await send(.GET, server.url(path))
                #expect(discovery.status == 200)
                #expect(discovery.json["registration_endpoint"] == nil, "\(path) names no registration endpoint")
            }
            #expect(try await server.clientCount() == 0)
        }
    }

    @Test("RFC 8414 §2: with registration on, discovery names registration_endpoint", arguments: TestEngine.all)
    func discoveryNamesEndpoint(engine: TestEngine) async throws {
        for mode in [RegistrationMode.open, .token] {
            try await TestServer.registering(engine, mode: mode) { server in
                let discovery = try await send(.GET, server.url("/.well-known/openid-configuration"))
                #expect(discovery.json["registration_endpoint"] as? String == server.url("/oauth/register"))
            }
        }
    }

    @Test("RFC 7591 §3: in token mode, no, an unknown, a used-up or an expired initial access token is 401 invalid_token",
          arguments: TestEngine.all)
    func tokenModeRefusals(engine: TestEngine) async throws {
        try await TestServer.registering(engine, mode: .token) { server in
            let metadata: [String: Any] = ["client_name": "App", "redirect_uris": [TestServer.redirectURI]]
            try await server.register(metadata).expectInvalidToken()
            try await server.register(metadata, bearer: Secret("not-a-token")).expectInvalidToken()
            try await server.register(metadata, headers: [("Authorization", "Basic YTpi")]).expectInvalidToken()

            let once = try await server.provider.administration.createInitialAccessToken(expiresIn: 3600, uses: 1)
            server.ledger.record(once.token)
            _ = try await server.registerClient(bearer: once.token)
            try await server.register(metadata, bearer: once.token).expectInvalidToken()

            let expiring = try await server.provider.administration.createInitialAccessToken(expiresIn: 60, uses: 5)
            server.ledger.record(expiring.token)
            server.clock.advance(by: 61)
            try await server.register(metadata, bearer: expiring.token).expectInvalidToken()
            #expect(try await server.clientCount() == 1, "only the one paid-for registration was written")
            let collected = try await server.provider.store.collectExpired(at: server.clock.wallClock.now())
            #expect(collected.initialAccessTokens == 1, "the expired token is collected, the live one kept: \(collected)")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 7591 §3: a bad registration with a valid initial access token spends none of its uses", arguments: TestEngine.all)
    func refusedRegistrationSpendsNothing(engine: TestEngine) async throws {
        try await TestServer.registering(engine, mode: .token) { server in
            let token = try await server.provider.administration.createInitialAccessToken(expiresIn: 3600, uses: 1).token
            server.ledger.record(token)
            try await server.register(["redirect_uris": ["javascript:alert(1)"]], bearer: token).expectRegistrationError("invalid_redirect_uri")
            _ = try await server.registerClient(bearer: token)
        }
    }

    @Test("RFC 7591 §3: 12 concurrent registrations with a 3-use initial access token register exactly 3 clients", arguments: TestEngine.all)
    func initialAccessTokenUsesAreExactlyOnce(engine: TestEngine) async throws {
        try await TestServer.registering(engine, mode: .token) { server in
            let token = try await server.provider.administration.createInitialAccessToken(expiresIn: 3600, uses: 3).token
            server.ledger.record(token)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await server.register(["client_name": "App \(index)", "redirect_uris": [TestServer.redirectURI]], bearer: token).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == 401 }.count == 9, "the rest refused, never a 5xx: \(statuses)")
            #expect(try await server.clientCount() == 3)
        }
    }

    @Test("attack: a registration flood from one address is 429 too_many_requests with Retry-After; another address is unaffected",
          arguments: TestEngine.all)
    func registrationRateLimit(engine: TestEngine) async throws {
        try await TestServer.registering(engine, configure: {
            $0.registration.perAddressPerMinute = 3
            $0.trustedProxies = [CIDR("127.0.0.0/8")!, CIDR("::1")!]
        }) { server in
            let flooder = [("X-Forwarded-For", "203.0.113.7")]
            for _ in 0..<3 {
                _ = try await server.registerClient(headers: flooder)
            }
            let refused = try await server.register(["redirect_uris": [TestServer.redirectURI]], headers: flooder)
            #expect(refused.status == 429)
            #expect(refused.oauthError == "too_many_requests")
            let wait = try #require(refused.header("Retry-After").flatMap(Int.init))
            #expect(wait >= 1 && wait <= 60)
            // A refused (bad) registration counts too: probing the rules is throttled alike.
            #expect(try await server.register(["redirect_uris": ["javascript:x"]], headers: flooder).status == 429)

            _ = try await server.registerClient(headers: [("X-Forwarded-For", "198.51.100.9")])
            server.clock.advance(by: 60)
            _ = try await server.registerClient(headers: flooder)
            #expect(try await server.clientCount() == 5)
        }
    }

    @Test("a refused registration is logged at info, never at error, and names no secret", arguments: TestEngine.all)
    func refusalsAreClientMistakes(engine: TestEngine) async throws {
        try await TestServer.registering(engine, mode: .token) { server in
            let token = try await server.provider.administration.createInitialAccessToken(expiresIn: 3600, uses: 1).token
            server.ledger.record(token)
            let marker = "marker-\(UUID().uuidString)"
            let response = try await server.register(["redirect_uris": ["https://\(marker).example/cb#f"]], bearer: token)
            response.expectRegistrationError("invalid_redirect_uri")
            let errors = LogCapture.text.split(separator: "\n").filter { $0.hasPrefix("error") && $0.contains("registration") }
            #expect(errors.isEmpty, "\(errors)")
            #expect(LogCapture.text.contains("client registration refused"))
            #expect(!LogCapture.text.contains(marker), "the refused metadata is not logged")
            server.ledger.expectNoneLogged()
        }
    }
}
