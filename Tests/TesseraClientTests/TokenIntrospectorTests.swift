import Foundation
import Testing
import TesseraClient
import TesseraCore

/// RFC 7662 from the resource server's side: the request it sends, how it reads the answer, and
/// the cache that must never keep a token alive past its `exp`.
@Suite("Token introspection (RFC 7662)")
struct TokenIntrospectorTests {
    static let api = "https://api.example.com"
    static let endpoint = Fixture.base + "/oauth/introspect"
    static let apiSecret = Secret("api-s3cret:+")
    let fixture = Fixture()

    func introspector(audience: String? = api, capacity: Int = 1024, lifetime: Duration = .seconds(60)) -> TokenIntrospector {
        TokenIntrospector(introspectionEndpoint: Self.endpoint, issuer: TestIssuer.issuer, audience: audience, clientID: "api-client",
                          clientSecret: Self.apiSecret, transport: fixture.transport, cacheCapacity: capacity,
                          maximumCacheLifetime: lifetime, now: fixture.clock.read)
    }

    /// An active answer for `client-abc`'s token for user-1, living `lifetime` seconds from now.
    func active(lifetime: Int = 3600, change: (inout [String: Any]) -> Void = { _ in }) -> String {
        let now = Int(fixture.now.timeIntervalSince1970)
        var body: [String: Any] = ["active": true, "scope": "read:messages", "client_id": TestIssuer.clientID, "sub": "user-1",
                                   "aud": Self.api, "iss": TestIssuer.issuer, "iat": now, "exp": now + lifetime, "token_type": "Bearer"]
        change(&body)
        return String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    func answer(_ json: String, status: Int = 200) {
        fixture.transport.on(Self.endpoint, status: status, json: json)
    }

    var introspections: Int { fixture.transport.requests(to: Self.endpoint).count }

    @Test("RFC 7662 §2.1: the API authenticates with client_secret_basic and sends token and token_type_hint=access_token")
    func request() async throws {
        answer(active())
        let token = try await introspector().verify(Secret("opaque-token-1"))
        #expect(token.subject == "user-1")
        #expect(token.clientID == TestIssuer.clientID)
        #expect(token.scopes == "read:messages")
        #expect(token.audience == [Self.api])
        #expect(token.claims["token_type"] == .string("Bearer"))
        let sent = try #require(fixture.transport.requests(to: Self.endpoint).first)
        #expect(sent.method == .post)
        #expect(sent.formBody == ["token": "opaque-token-1", "token_type_hint": "access_token"])
        #expect(sent.authorization == AuthenticatedPostExpectation.basic(id: "api-client", secret: Self.apiSecret))
    }

    @Test("attack: a revoked or unknown token (active false) is refused, and the refusal is not cached")
    func inactive() async throws {
        answer(#"{"active":false}"#)
        let introspector = introspector()
        await expectClientError(.accessTokenInactive) { _ = try await introspector.verify(Secret("revoked")) }
        await expectClientError(.accessTokenInactive) { _ = try await introspector.verify(Secret("revoked")) }
        #expect(introspections == 2)
    }

    @Test("attack: a refresh token presented as an access token is refused, though active")
    func refreshToken() async throws {
        answer(active { $0["token_type"] = "refresh_token" })
        await expectClientError(.accessTokenInactive) { _ = try await introspector().verify(Secret("refresh")) }
    }

    @Test("attack: an active token for another audience is refused; an introspector without audience accepts it")
    func anotherAudience() async throws {
        answer(active { $0["aud"] = ["https://other-api.example.com"] })
        await expectClientError(.invalidAudience) { _ = try await introspector().verify(Secret("t")) }
        answer(active { $0["aud"] = nil })
        await expectClientError(.invalidAudience) { _ = try await introspector().verify(Secret("t")) }
        #expect(try await introspector(audience: nil).verify(Secret("t")).subject == "user-1")
    }

    @Test("attack: an answer whose exp has passed is refused; one from another issuer too")
    func expiredAndForeign() async throws {
        answer(active(lifetime: -60))
        await expectClientError(.expired) { _ = try await introspector().verify(Secret("t")) }
        answer(active { $0["iss"] = "https://evil.example.com" })
        await expectClientError(.invalidIssuer) { _ = try await introspector().verify(Secret("t")) }
    }

    @Test("RFC 9449 §6.2: an answer's cnf.jkt says the token is DPoP-bound; an answer without cnf is a bearer token")
    func confirmationThumbprint() async throws {
        answer(active { $0["cnf"] = ["jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"]; $0["token_type"] = "DPoP" })
        #expect(try await introspector().verify(Secret("bound")).boundKeyThumbprint == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        answer(active())
        #expect(try await introspector().verify(Secret("bearer")).boundKeyThumbprint == nil)
    }

    @Test("attack: an answer whose cnf is not an object, or whose cnf.jkt is not a string, refuses the token rather than unbinding it",
          arguments: [#""cnf":"jkt""#, #""cnf":["jkt"]"#, #""cnf":{"jkt":1}"#, #""cnf":{"jkt":""}"#])
    func malformedConfirmation(cnf: String) async throws {
        answer(#"{"active":true,"sub":"user-1","aud":"\#(Self.api)","# + cnf + "}")
        await expectClientError(.malformedAccessToken) { _ = try await introspector().verify(Secret("bound")) }
    }

    @Test("RFC 7662 §2.2: a client_credentials answer without sub names the client as subject")
    func subjectFromClient() async throws {
        answer(active { $0["sub"] = nil })
        #expect(try await introspector().verify(Secret("t")).subject == TestIssuer.clientID)
    }

    @Test("the endpoint refusing the API's credentials, or answering nonsense, is 'unavailable' (503), not a bad token")
    func endpointRefusal() async throws {
        for (status, body) in [(401, #"{"error":"invalid_client"}"#), (200, "<html>"), (200, #"{"active":"yes"}"#), (500, "")] {
            answer(body, status: status)
            do {
                _ = try await introspector().verify(Secret("t"))
                Issue.record("accepted after \(status) \(body)")
            } catch {
                #expect(error.isAuthorizationServerUnavailable, "\(error)")
            }
        }
    }

    @Test("the token never appears in an error's message, whatever the failure")
    func tokenNeverInErrors() async throws {
        let token = Secret("very-secret-opaque-token-value")
        for body in [#"{"active":false}"#, active { $0["aud"] = "x" }, active { $0["scope"] = 7 }, "not json"] {
            answer(body)
            do {
                _ = try await introspector().verify(token)
            } catch {
                #expect(!"\(error)".contains(token.unredacted))
            }
        }
    }

    @Test("an active answer is reused until maximumCacheLifetime, then asked again")
    func cacheLifetime() async throws {
        answer(active())
        let introspector = introspector(lifetime: .seconds(60))
        for _ in 0..<3 { _ = try await introspector.verify(Secret("t")) }
        #expect(introspections == 1)
        fixture.clock.advance(by: 59)
        _ = try await introspector.verify(Secret("t"))
        #expect(introspections == 1)
        fixture.clock.advance(by: 1)
        _ = try await introspector.verify(Secret("t"))
        #expect(introspections == 2)
    }

    @Test("attack: a cached answer never outlives the token's exp, even inside maximumCacheLifetime")
    func cacheNeverOutlivesExpiry() async throws {
        answer(active(lifetime: 10))
        let introspector = introspector(lifetime: .seconds(600))
        _ = try await introspector.verify(Secret("short-lived"))
        fixture.clock.advance(by: 9)
        _ = try await introspector.verify(Secret("short-lived"))
        #expect(introspections == 1)
        // At exp the cached answer is gone; the server, asked again, says the token is dead.
        fixture.clock.advance(by: 1)
        answer(#"{"active":false}"#)
        await expectClientError(.accessTokenInactive) { _ = try await introspector.verify(Secret("short-lived")) }
        #expect(introspections == 2)
    }

    @Test("the cache holds at most cacheCapacity answers, evicting the oldest; capacity 0 asks every time")
    func cacheCapacity() async throws {
        answer(active())
        let introspector = introspector(capacity: 2)
        for token in ["a", "b", "c"] { _ = try await introspector.verify(Secret(token)) }
        #expect(introspections == 3)
        _ = try await introspector.verify(Secret("c"))
        _ = try await introspector.verify(Secret("b"))
        #expect(introspections == 3)
        _ = try await introspector.verify(Secret("a"))
        #expect(introspections == 4)
        let uncached = self.introspector(capacity: 0)
        _ = try await uncached.verify(Secret("a"))
        _ = try await uncached.verify(Secret("a"))
        #expect(introspections == 6)
    }

    @Test("concurrent requests with one fresh token share one introspection")
    func concurrentShareOneRequest() async throws {
        let body = active()
        fixture.transport.on(Self.endpoint) { _ in
            try await Task.sleep(for: .milliseconds(50))
            return .json(body)
        }
        let introspector = introspector(capacity: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try await introspector.verify(Secret("fresh")) }
            }
            try await group.waitForAll()
        }
        #expect(introspections == 1)
    }

    @Test("discover finds introspection_endpoint; an issuer without one is refused at start-up")
    func discovery() async throws {
        var metadata = fixture.metadata
        metadata.introspectionEndpoint = Self.endpoint
        fixture.transport.on(Fixture.discoveryURL, json: String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self))
        let introspector = try await TokenIntrospector.discover(issuer: TestIssuer.issuer, audience: Self.api, clientID: "api-client",
                                                                clientSecret: Self.apiSecret, transport: fixture.transport)
        #expect(introspector.introspectionEndpoint == Self.endpoint)
        fixture.transport.on(Fixture.discoveryURL, json: String(decoding: try JSONEncoder().encode(fixture.metadata), as: UTF8.self))
        await expectClientError(.endpointNotAdvertised) {
            _ = try await TokenIntrospector.discover(issuer: TestIssuer.issuer, audience: Self.api, clientID: "api-client",
                                                     clientSecret: Self.apiSecret, transport: fixture.transport)
        }
    }
}

/// The Basic header RFC 6749 §2.3.1 prescribes, built independently of the client's code.
enum AuthenticatedPostExpectation {
    static func basic(id: String, secret: Secret) -> Secret {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let escape = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: unreserved)! }
        return Secret("Basic " + Data("\(escape(id)):\(escape(secret.unredacted))".utf8).base64EncodedString())
    }
}
