import Foundation
import Testing
import TesseraClient
import TesseraCore

/// One test per check of OpenID Connect Back-Channel Logout 1.0 §2.6, through
/// ``OIDCClient/validateLogoutToken(_:maxAge:)`` against a fake provider. Each token is validly
/// signed and otherwise valid, so only the check under test can fail it.
@Suite("Back-Channel Logout §2.6: logout token validation")
struct LogoutTokenTests {
    let fixture = Fixture()

    /// Valid logout token claims: sub, sid, jti, the event, no nonce, no exp.
    func claims(_ change: (inout TestClaims) -> Void = { _ in }) -> TestClaims {
        var claims = TestClaims(now: fixture.now, nonce: nil)
        claims.exp = nil
        claims.email = nil
        claims.sid = "sid-1"
        claims.jti = UUID().uuidString
        claims.events = [LogoutTokenClaims.event: [:]]
        change(&claims)
        return claims
    }

    func sign(_ claims: TestClaims, typ: String? = "logout+jwt") async throws -> Secret {
        try await fixture.keys.sign(claims, typ: typ)
    }

    @Test("§2.6: a valid logout token is accepted, with its sub and sid read back (typ logout+jwt)")
    func valid() async throws {
        let client = fixture.client()
        for typ in ["logout+jwt", "application/logout+jwt"] {
            let validated = try await client.validateLogoutToken(try await sign(claims(), typ: typ))
            #expect(validated.subject == "user-1")
            #expect(validated.sessionID == "sid-1")
        }
    }

    @Test("§2.6: a logout token with a nonce is refused (an id_token posing as a logout token)")
    func nonce() async throws {
        let token = try await sign(claims { $0.nonce = "n-1" })
        await expectClientError(.logoutTokenNonceForbidden) { _ = try await fixture.client().validateLogoutToken(token) }
    }

    @Test("§2.6: a replayed jti is refused")
    func replay() async throws {
        let client = fixture.client()
        let token = try await sign(claims())
        _ = try await client.validateLogoutToken(token)
        await expectClientError(.logoutTokenReplayed) { _ = try await client.validateLogoutToken(token) }
        // Another token (another jti) still passes.
        _ = try await client.validateLogoutToken(try await sign(claims()))
    }

    @Test("§2.6: a token without the back-channel logout event is refused")
    func missingEvent() async throws {
        let token = try await sign(claims { $0.events = ["http://schemas.openid.net/event/other": [:]] })
        await expectClientError(.logoutTokenEventMissing) { _ = try await fixture.client().validateLogoutToken(token) }
    }

    @Test("§2.6: a token naming neither sub nor sid is refused")
    func noSubject() async throws {
        let token = try await sign(claims { $0.sub = nil; $0.sid = nil })
        await expectClientError(.logoutTokenSubjectMissing) { _ = try await fixture.client().validateLogoutToken(token) }
    }

    @Test("§2.6: a token without jti or events is malformed", arguments: ["jti", "events"])
    func missingRequiredClaim(claim: String) async throws {
        let token = try await sign(claims { if claim == "jti" { $0.jti = nil } else { $0.events = nil } })
        await expectClientError(.malformedLogoutToken) { _ = try await fixture.client().validateLogoutToken(token) }
    }

    @Test("§2.6: a token of another typ (an id_token's JWT, an access token's at+jwt) is refused", arguments: ["JWT", "at+jwt"])
    func otherType(typ: String) async throws {
        let token = try await sign(claims(), typ: typ)
        await expectClientError(.logoutTokenInvalidType) { _ = try await fixture.client().validateLogoutToken(token) }
    }

    @Test("§2.6: iss, aud, iat (too old, in the future) and exp are checked")
    func timeAndParties() async throws {
        let client = fixture.client()
        let now = Int(fixture.now.timeIntervalSince1970)
        let cases: [(ClientError.Code, (inout TestClaims) -> Void)] = [
            (.invalidIssuer, { $0.iss = "https://evil.example" }),
            (.invalidAudience, { $0.aud = .one("another-client") }),
            (.logoutTokenTooOld, { $0.iat = now - 3600 }),
            (.issuedInFuture, { $0.iat = now + 3600 }),
            (.expired, { $0.exp = now - 3600 }),
        ]
        for (code, change) in cases {
            let token = try await sign(claims(change))
            await expectClientError(code) { _ = try await client.validateLogoutToken(token) }
        }
    }

    @Test("invalid-signature: a logout token altered after signing is refused")
    func signature() async throws {
        var parts = try await sign(claims()).unredacted.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(try JSONEncoder().encode(claims { $0.sub = "admin" }))
        await expectClientError(.invalidSignature) { _ = try await fixture.client().validateLogoutToken(Secret(parts.joined(separator: "."))) }
    }
}
