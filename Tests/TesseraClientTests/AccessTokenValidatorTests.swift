import Crypto
import Foundation
import Testing
import TesseraClient
import TesseraCore

/// RFC 9068 §4 from the resource server's side, one test per check: each token is validly signed
/// by the issuer's key and valid in every other respect, so only the check under test can fail it.
@Suite("Access token validation (RFC 9068)")
struct AccessTokenValidatorTests {
    static let api = "https://api.example.com"
    let fixture = Fixture()

    var expectations: AccessTokenExpectations { AccessTokenExpectations(issuer: TestIssuer.issuer, audience: Self.api) }

    func validate(_ token: Secret, configure: (inout AccessTokenExpectations) -> Void = { _ in }) async throws -> VerifiedAccessToken {
        var expectations = expectations
        configure(&expectations)
        let keys = try JSONWebKeySet(json: Array(fixture.keys.jwks().utf8))
        return try await AccessTokenValidator.validate(token, keys: keys, expectations: expectations, now: fixture.now)
    }

    /// Claims of a valid access token for ``api``, issued now to `client-abc` for user-1.
    func claims(_ change: (inout TestClaims) -> Void = { _ in }) -> TestClaims {
        var claims = TestClaims(now: fixture.now, nonce: nil)
        claims.aud = .one(Self.api)
        claims.email = nil
        claims.client_id = TestIssuer.clientID
        claims.scope = "read:messages write:messages"
        change(&claims)
        return claims
    }

    func sign(_ claims: TestClaims, with key: TestIssuer.Key = .rsa, typ: String? = "at+jwt") async throws -> Secret {
        try await fixture.keys.sign(claims, with: key, typ: typ)
    }

    @Test("RFC 9068 §4: valid RS256, ES256 and EdDSA access tokens are accepted, subject, client_id, scopes and claims read back")
    func validTokens() async throws {
        for key in [TestIssuer.Key.rsa, .ec, .ed] {
            let token = try await validate(try await sign(claims(), with: key))
            #expect(token.subject == "user-1")
            #expect(token.clientID == TestIssuer.clientID)
            #expect(token.scopes == "read:messages write:messages")
            #expect(token.audience == [Self.api])
            #expect(token.expiresAt == Date(timeIntervalSince1970: Double(claims().exp!)))
            #expect(token.claims["iss"] == .string(TestIssuer.issuer))
        }
    }

    @Test("RFC 9068 §2.1: typ at+jwt and application/at+jwt are accepted, whatever their case",
          arguments: ["at+jwt", "application/at+jwt", "AT+JWT", "Application/At+Jwt"])
    func explicitTypes(typ: String) async throws {
        #expect(try await validate(try await sign(claims(), typ: typ)).subject == "user-1")
    }

    @Test("attack: an id_token (typ JWT, or no typ) presented as an access token is refused",
          arguments: ["JWT", "application/jwt", nil] as [String?])
    func idTokenAsAccessToken(typ: String?) async throws {
        var idToken = TestClaims(now: fixture.now, nonce: "n-1")
        idToken.aud = .one(Self.api)
        await expectClientError(.accessTokenInvalidType) { _ = try await validate(try await sign(idToken, typ: typ)) }
    }

    @Test("attack: a logout token presented as an access token is refused")
    func logoutTokenAsAccessToken() async throws {
        let token = try await sign(claims { $0.events = [LogoutTokenClaims.event: [:]]; $0.jti = "j-1" }, typ: "logout+jwt")
        await expectClientError(.accessTokenInvalidType) { _ = try await validate(token) }
    }

    @Test("attack: an unsigned token (alg none) is refused, even when an API lists none")
    func algNone() async throws {
        let token = try TestIssuer.craft(header: ["alg": "none", "kid": "rsa-1", "typ": "at+jwt"], claims: claims())
        await expectClientError(.algorithmNotAllowed) { _ = try await validate(token) }
        await expectClientError(.algorithmNotAllowed) { _ = try await validate(token) { $0.allowedAlgorithms.insert("none") } }
    }

    @Test("attack: HS256 keyed with the issuer's public RSA key is refused, even when an API lists HS256")
    func hmacWithPublicKey() async throws {
        let publicJWK = try JSONSerialization.data(withJSONObject: fixture.keys.jwk(.rsa), options: [.sortedKeys])
        let modulus = Data(Base64URL.decode(fixture.keys.jwk(.rsa)["n"]!)!)
        for keyMaterial in [publicJWK, modulus] {
            let token = try TestIssuer.craft(header: ["alg": "HS256", "kid": "rsa-1", "typ": "at+jwt"], claims: claims()) { input in
                Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: keyMaterial)))
            }
            await expectClientError(.algorithmNotAllowed) { _ = try await validate(token) }
            await expectClientError(.algorithmNotAllowed) { _ = try await validate(token) { $0.allowedAlgorithms.insert("HS256") } }
        }
    }

    @Test("attack: a token whose payload was altered after signing is refused")
    func alteredPayload() async throws {
        var parts = try await sign(claims()).unredacted.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(try JSONEncoder().encode(claims { $0.scope = "admin" }))
        await expectClientError(.invalidSignature) { _ = try await validate(Secret(parts.joined(separator: "."))) }
    }

    @Test("attack: a token signed by a key the issuer never published, under the issuer's kid, is refused")
    func foreignKey() async throws {
        let token = try await fixture.keys.sign(claims(), with: .rsa2, kid: "rsa-1", typ: "at+jwt")
        await expectClientError(.invalidSignature) { _ = try await validate(token) }
    }

    @Test("attack: a token for another audience (another API of the same issuer) is refused")
    func anotherAudience() async throws {
        let token = try await sign(claims { $0.aud = .many(["https://other-api.example.com", TestIssuer.issuer + "/userinfo"]) })
        await expectClientError(.invalidAudience) { _ = try await validate(token) }
        await expectClientError(.invalidAudience) { _ = try await validate(try await sign(claims { $0.aud = nil })) }
    }

    @Test("RFC 9068 §4 step 4: an aud array that contains this API is accepted")
    func audienceArray() async throws {
        let token = try await sign(claims { $0.aud = .many([Self.api, TestIssuer.issuer + "/userinfo"]) })
        #expect(try await validate(token).audience == [Self.api, TestIssuer.issuer + "/userinfo"])
    }

    @Test("attack: a token from another issuer is refused, even signed with a key the API trusts")
    func anotherIssuer() async throws {
        let token = try await sign(claims { $0.iss = "https://evil.example.com" })
        await expectClientError(.invalidIssuer) { _ = try await validate(token) }
        await expectClientError(.invalidIssuer) { _ = try await validate(try await sign(claims { $0.iss = TestIssuer.issuer + "/" })) }
    }

    @Test("attack: an expired token is refused beyond the clock skew, accepted within it")
    func expired() async throws {
        let now = Int(fixture.now.timeIntervalSince1970)
        await expectClientError(.expired) { _ = try await validate(try await sign(claims { $0.exp = now - 30 })) }
        #expect(try await validate(try await sign(claims { $0.exp = now - 29 })).subject == "user-1")
        await expectClientError(.expired) {
            _ = try await validate(try await sign(claims { $0.exp = now - 5 })) { $0.clockSkew = .seconds(1) }
        }
    }

    @Test("RFC 9068 §2.2: a token without exp, or without sub, is refused")
    func requiredClaims() async throws {
        await expectClientError(.malformedAccessToken) { _ = try await validate(try await sign(claims { $0.exp = nil })) }
        await expectClientError(.malformedAccessToken) { _ = try await validate(try await sign(claims { $0.sub = nil })) }
        await expectClientError(.malformedAccessToken) { _ = try await validate(try await sign(claims { $0.sub = "" })) }
    }

    @Test("RFC 7519 §4.1.5/§4.1.6: nbf and iat in the future are refused beyond the clock skew, accepted within it")
    func notYetValid() async throws {
        let now = Int(fixture.now.timeIntervalSince1970)
        await expectClientError(.accessTokenNotYetValid) { _ = try await validate(try await sign(claims { $0.nbf = now + 31 })) }
        await expectClientError(.issuedInFuture) { _ = try await validate(try await sign(claims { $0.iat = now + 31 })) }
        #expect(try await validate(try await sign(claims { $0.nbf = now + 30; $0.iat = now + 30 })).subject == "user-1")
    }

    @Test("Auth0: an aud array, azp instead of client_id, a scope string and a permissions array are read, and kept in claims")
    func auth0Shape() async throws {
        let issuer = "https://tenant.auth0.com/"
        let token = try await sign(claims {
            $0.iss = issuer
            $0.aud = .many([Self.api, issuer + "userinfo"])
            $0.client_id = nil
            $0.azp = "auth0-client"
            $0.scope = "openid read:messages"
            $0.permissions = ["read:messages"]
        })
        let verified = try await validate(token) { $0.issuer = issuer }
        #expect(verified.clientID == "auth0-client")
        #expect(verified.scopes.contains("read:messages"))
        #expect(verified.claims["permissions"] == .array([.string("read:messages")]))
    }

    @Test("RFC 9449 §6.1: a DPoP-bound token's cnf.jkt is read; a token without cnf, or bound by another method only, is unbound")
    func confirmationThumbprint() async throws {
        let jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
        let bound = try await validate(try await sign(claims { $0.cnf = .object(["jkt": .string(jkt)]) }))
        #expect(bound.boundKeyThumbprint == jkt)
        #expect(try await validate(try await sign(claims())).boundKeyThumbprint == nil)
        let certificateBound = try await validate(try await sign(claims { $0.cnf = .object(["x5t#S256": .string("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")]) }))
        #expect(certificateBound.boundKeyThumbprint == nil)
    }

    @Test("attack: a token whose cnf is not an object, or whose cnf.jkt is not a thumbprint, is refused rather than read as unbound",
          arguments: [JSONValue.string("jkt"), .array([]), .object(["jkt": .number(1)]), .object(["jkt": .string("")]),
                      .object(["jkt": .object([:])])])
    func malformedConfirmation(cnf: JSONValue) async throws {
        await expectClientError(.malformedAccessToken) { _ = try await validate(try await sign(claims { $0.cnf = cnf })) }
    }
}
