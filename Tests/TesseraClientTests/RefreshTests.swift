import Foundation
import Testing
import TesseraClient
import TesseraCore

@Suite("Refresh: single-flight, rotation, refresh-ahead")
struct RefreshTests {
    let fixture = Fixture()

    /// Tokens as a code exchange would have left them, expiring in `expiresIn` seconds.
    func initialTokens(expiresIn: Int = 3600, refreshToken: String? = "refresh-0") -> TokenSet {
        TokenSet(response: TokenResponse(accessToken: Secret("access-0"), expiresIn: expiresIn,
                                         refreshToken: refreshToken.map(Secret.init)),
                 idTokenClaims: IDTokenClaims(issuer: TestIssuer.issuer, subject: "user-1", audience: [TestIssuer.clientID],
                                              expiresAt: fixture.now.addingTimeInterval(36_000), issuedAt: fixture.now),
                 receivedAt: fixture.now)
    }

    /// The token endpoint rotating refresh tokens, counting its requests.
    @discardableResult
    func serveRotation(delay: Duration = .zero, rotate: Bool = true) -> Counter {
        let count = Counter()
        fixture.transport.on(Fixture.tokenEndpoint) { _ in
            let n = count.increment()
            if delay > .zero { try await Task.sleep(for: delay) }
            let refresh = rotate ? #","refresh_token":"refresh-\#(n)""# : ""
            return .json(#"{"access_token":"access-\#(n)","token_type":"Bearer","expires_in":3600\#(refresh)}"#)
        }
        return count
    }

    @Test("the rotated refresh token replaces the old one; the old one is kept when none is returned")
    func rotation() async throws {
        let client = fixture.client()
        serveRotation()
        let refreshed = try await client.refresh(initialTokens())
        #expect(refreshed.accessToken == Secret("access-1"))
        #expect(refreshed.refreshToken == Secret("refresh-1"))
        #expect(refreshed.idTokenClaims?.subject == "user-1", "the id_token claims are kept")
        let sent = try #require(fixture.transport.requests(to: Fixture.tokenEndpoint).first?.body?.unredacted)
        #expect(sent == "grant_type=refresh_token&refresh_token=refresh-0")

        serveRotation(rotate: false)
        let kept = try await client.refresh(refreshed)
        #expect(kept.accessToken == Secret("access-1"))
        #expect(kept.refreshToken == Secret("refresh-1"), "no new refresh token: the old one stays")
    }

    @Test("single-flight: 50 concurrent refreshes of one session make one request and all get its tokens")
    func singleFlight() async throws {
        let client = fixture.client()
        let count = serveRotation(delay: .milliseconds(100))
        let tokens = initialTokens()
        let results = try await withThrowingTaskGroup(of: TokenSet.self) { group in
            for _ in 0..<50 { group.addTask { try await client.refresh(tokens) } }
            return try await group.reduce(into: [TokenSet]()) { $0.append($1) }
        }
        #expect(count.count == 1)
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0.refreshToken == Secret("refresh-1") })
    }

    @Test("a late caller still holding the rotated token gets the new tokens within the reuse window, not a replay")
    func lateCallerWithinWindow() async throws {
        let client = fixture.client()
        let count = serveRotation()
        let tokens = initialTokens()
        _ = try await client.refresh(tokens)
        fixture.clock.advance(by: 10)
        #expect(try await client.refresh(tokens).refreshToken == Secret("refresh-1"))
        #expect(count.count == 1)
    }

    @Test("stale token set past the reuse window: the rotated refresh token is never POSTed again, the caller is told it was rotated")
    func staleTokenSetNeverReplaysRotatedToken() async throws {
        let client = fixture.client()
        let count = serveRotation()
        let tokens = initialTokens()
        let refreshed = try await client.refresh(tokens)
        fixture.clock.advance(by: 3600)
        await expectClientError(.refreshTokenRotated) { _ = try await client.refresh(tokens) }
        await expectClientError(.refreshTokenRotated) { _ = try await client.refresh(tokens, scope: "openid") }
        #expect(count.count == 1, "the stale token set sent nothing")
        #expect(try await client.refresh(refreshed).refreshToken == Secret("refresh-2"), "the current token set still refreshes")
        let sent = fixture.transport.requests(to: Fixture.tokenEndpoint).compactMap { $0.body?.unredacted }
        #expect(sent.filter { $0.contains("refresh_token=refresh-0") }.count == 1)
    }

    @Test("stale token set asking another scope within the window: refreshed with the successor, the rotated token is not re-sent")
    func staleTokenSetWithAnotherScopeUsesSuccessor() async throws {
        let client = fixture.client()
        serveRotation()
        let tokens = initialTokens()
        _ = try await client.refresh(tokens)
        let narrowed = try await client.refresh(tokens, scope: "openid")
        #expect(narrowed.refreshToken == Secret("refresh-2"))
        let sent = fixture.transport.requests(to: Fixture.tokenEndpoint).compactMap { $0.body?.unredacted }
        #expect(sent == ["grant_type=refresh_token&refresh_token=refresh-0",
                         "grant_type=refresh_token&refresh_token=refresh-1&scope=openid"])
    }

    @Test("a provider that does not rotate: the same refresh token may be sent again after the window")
    func unrotatedTokenIsReusable() async throws {
        let client = fixture.client()
        let count = serveRotation(rotate: false)
        let tokens = initialTokens()
        _ = try await client.refresh(tokens)
        fixture.clock.advance(by: 3600)
        _ = try await client.refresh(tokens)
        #expect(count.count == 2)
    }

    @Test("refresh-ahead: tokens are refreshed within 60 s of expiry, not before; independent of the 30 s clock skew")
    func refreshAhead() async throws {
        let client = fixture.client()
        let count = serveRotation()
        let tokens = initialTokens(expiresIn: 120)
        #expect(try await client.validTokens(tokens) == tokens)
        fixture.clock.advance(by: 59)
        #expect(try await client.validTokens(tokens) == tokens, "61 s left: no refresh")
        fixture.clock.advance(by: 2)
        #expect(try await client.validTokens(tokens).accessToken == Secret("access-1"), "59 s left: refreshed")
        #expect(count.count == 1)
        #expect(tokens.expires(within: .seconds(60), of: fixture.now))
        #expect(!tokens.expires(within: .seconds(30), of: fixture.now), "the skew is not the refresh window")
    }

    @Test("a refused refresh is the provider's invalid_grant; tokens without a refresh token say so")
    func refusals() async throws {
        fixture.transport.on(Fixture.tokenEndpoint, status: 400, json: #"{"error":"invalid_grant","error_description":"Revoked."}"#)
        await expectOAuthError(.invalidGrant, status: 400) { _ = try await fixture.client().refresh(initialTokens()) }
        await expectClientError(.missingRefreshToken) { _ = try await fixture.client().refresh(initialTokens(refreshToken: nil)) }
    }

    @Test("a refreshed id_token is validated: about another user, it is refused")
    func refreshedIDTokenSubject() async throws {
        var claims = TestClaims(now: fixture.now, nonce: nil)
        claims.sub = "user-2"
        let idToken = try await fixture.keys.sign(claims)
        fixture.transport.on(Fixture.tokenEndpoint, json: #"{"access_token":"a","token_type":"Bearer","id_token":"\#(idToken.unredacted)"}"#)
        await expectClientError(.subjectMismatch) { _ = try await fixture.client().refresh(initialTokens()) }
    }

    @Test("a token set round-trips through Codable for session storage and prints no token")
    func tokenSetStorage() throws {
        let tokens = initialTokens()
        let decoded = try JSONDecoder().decode(TokenSet.self, from: try JSONEncoder().encode(tokens))
        #expect(decoded == tokens)
        let printed = "\(tokens) \(String(reflecting: tokens))"
        #expect(!printed.contains("access-0") && !printed.contains("refresh-0"))
    }
}
