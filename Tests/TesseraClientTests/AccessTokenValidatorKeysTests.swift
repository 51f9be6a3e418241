import Foundation
import Testing
import TesseraClient
import TesseraCore

/// The validator's keys: discovered from the issuer, cached like the relying party's, refetched
/// on an unknown kid at most once per cool-down, and an unreachable JWKS told apart from a bad token.
@Suite("Access token validation: discovery and keys")
struct AccessTokenValidatorKeysTests {
    static let api = AccessTokenValidatorTests.api
    let fixture = Fixture()

    func token(with key: TestIssuer.Key = .rsa) async throws -> Secret {
        try await AccessTokenValidatorTests().sign(AccessTokenValidatorTests().claims(), with: key)
    }

    func validator(cooldown: Duration = .seconds(30)) -> AccessTokenValidator {
        AccessTokenValidator(issuer: TestIssuer.issuer, jwksURI: Fixture.jwksURI, audience: Self.api, transport: fixture.transport,
                             jwksRefetchCooldown: cooldown, now: fixture.clock.read)
    }

    @Test("OpenID Connect Discovery §4.3: discover finds jwks_uri in the issuer's document and validates with its keys")
    func discovery() async throws {
        let document = try JSONEncoder().encode(fixture.metadata)
        fixture.transport.on(Fixture.discoveryURL, json: String(decoding: document, as: UTF8.self))
        let validator = try await AccessTokenValidator.discover(issuer: TestIssuer.issuer, audience: Self.api,
                                                                transport: fixture.transport, now: fixture.clock.read)
        #expect(validator.jwksURI == Fixture.jwksURI)
        #expect(try await validator.verify(try await token()).subject == "user-1")
    }

    @Test("attack: a discovery document naming another issuer is refused at start-up")
    func discoveryIssuerMismatch() async throws {
        var impostor = fixture.metadata
        impostor.issuer = "https://evil.example.com"
        fixture.transport.on(Fixture.discoveryURL, json: String(decoding: try JSONEncoder().encode(impostor), as: UTF8.self))
        await expectClientError(.discoveryIssuerMismatch) {
            _ = try await AccessTokenValidator.discover(issuer: TestIssuer.issuer, audience: Self.api, transport: fixture.transport)
        }
    }

    @Test("the JWKS is fetched once for many tokens; a rotated-in key is found by one refetch")
    func keyRotation() async throws {
        let fixture = Fixture(jwks: TestIssuer.shared.jwks([.rsa]))
        let validator = AccessTokenValidator(issuer: TestIssuer.issuer, jwksURI: Fixture.jwksURI, audience: Self.api,
                                             transport: fixture.transport, now: fixture.clock.read)
        for _ in 0..<3 { _ = try await validator.verify(try await token()) }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 1)
        fixture.transport.on(Fixture.jwksURI, json: TestIssuer.shared.jwks([.rsa, .ec]))
        #expect(try await validator.verify(try await token(with: .ec)).subject == "user-1")
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2)
    }

    @Test("attack: a stream of tokens naming unknown kids costs the issuer one JWKS fetch per cool-down")
    func forgedKidsRefetchOncePerCooldown() async throws {
        let validator = validator()
        _ = try await validator.verify(try await token())
        for index in 0..<5 {
            let forged = try await fixture.keys.sign(AccessTokenValidatorTests().claims(), kid: "forged-\(index)", typ: "at+jwt")
            await expectClientError(.keyNotFound) { _ = try await validator.verify(forged) }
        }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 2)
        fixture.clock.advance(by: 31)
        let forged = try await fixture.keys.sign(AccessTokenValidatorTests().claims(), kid: "forged-late", typ: "at+jwt")
        await expectClientError(.keyNotFound) { _ = try await validator.verify(forged) }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).count == 3)
    }

    @Test("an unreachable or broken JWKS says the authorization server is unavailable (503), not that the token is bad (401)")
    func jwksUnavailable() async throws {
        fixture.transport.on(Fixture.jwksURI, status: 502, json: "<html>bad gateway</html>")
        let good = try await token()
        do {
            _ = try await validator().verify(good)
            Issue.record("a token was accepted without keys")
        } catch {
            #expect(error.isAuthorizationServerUnavailable, "\(error)")
        }
        let bad = try await fixture.keys.sign(AccessTokenValidatorTests().claims { $0.aud = .one("https://other") }, typ: "at+jwt")
        let working = Fixture()
        let validator = AccessTokenValidator(issuer: TestIssuer.issuer, jwksURI: Fixture.jwksURI, audience: Self.api,
                                             transport: working.transport, now: working.clock.read)
        do {
            _ = try await validator.verify(bad)
            Issue.record("a token for another API was accepted")
        } catch {
            #expect(!error.isAuthorizationServerUnavailable, "\(error)")
        }
    }

    @Test("attack: alg none, HS256, an id_token's typ or an opaque string is refused without fetching the JWKS — a 401 even while it is down")
    func refusedBeforeKeys() async throws {
        fixture.transport.on(Fixture.jwksURI, status: 502, json: "<html>bad gateway</html>")
        let claims = AccessTokenValidatorTests().claims()
        let tokens: [(Secret, ClientError.Code)] = [
            (try TestIssuer.craft(header: ["alg": "none", "typ": "at+jwt"], claims: claims), .algorithmNotAllowed),
            (try TestIssuer.craft(header: ["alg": "HS256", "typ": "at+jwt", "kid": "rsa-1"], claims: claims) { _ in [1, 2, 3] }, .algorithmNotAllowed),
            (try await fixture.keys.sign(claims, typ: "JWT"), .accessTokenInvalidType),
            (Secret("an-opaque-token"), .malformedAccessToken),
        ]
        for (token, code) in tokens {
            await expectClientError(code) { _ = try await validator().verify(token) }
        }
        #expect(fixture.transport.requests(to: Fixture.jwksURI).isEmpty)
    }
}
