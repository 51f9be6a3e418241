import Crypto
import Foundation
import Testing
import TesseraClient
import TesseraCore

/// One test per attack on the id_token, named like the OpenID conformance modules. Each token is
/// validly signed unless the attack is on the signature, so only the check under test can fail it.
@Suite("id_token validation")
struct IDTokenAttackTests {
    let fixture = Fixture()
    let nonce = Secret("nonce-of-this-session")

    func validate(_ token: Secret, keys jwks: String? = nil, accessToken: Secret? = nil,
                  configure: (inout IDTokenExpectations) -> Void = { _ in }) async throws -> IDTokenClaims {
        var expectations = fixture.expectations(nonce: nonce, accessToken: accessToken)
        configure(&expectations)
        let keys = try JSONWebKeySet(json: Array((jwks ?? fixture.keys.jwks()).utf8))
        return try await IDTokenValidator.validate(token, keys: keys, expectations: expectations, now: fixture.now)
    }

    func claims(_ change: (inout TestClaims) -> Void = { _ in }) -> TestClaims {
        var claims = TestClaims(now: fixture.now, nonce: nonce.unredacted)
        change(&claims)
        return claims
    }

    @Test("valid RS256, ES256 and EdDSA id_tokens are accepted, with their claims read back")
    func validTokens() async throws {
        for key in [TestIssuer.Key.rsa, .ec, .ed] {
            let validated = try await validate(try await fixture.keys.sign(claims(), with: key))
            #expect(validated.subject == "user-1")
            #expect(validated.audience == [TestIssuer.clientID])
            #expect(validated.email == "alice@example.com")
            #expect(validated.issuedAt == Date(timeIntervalSince1970: fixture.now.timeIntervalSince1970.rounded(.down)))
        }
    }

    @Test("invalid-signature: a token whose payload was altered after signing is rejected")
    func invalidSignature() async throws {
        let token = try await fixture.keys.sign(claims())
        var parts = token.unredacted.split(separator: ".").map(String.init)
        var forged = claims()
        forged.sub = "admin"
        parts[1] = Base64URL.encode(try JSONEncoder().encode(forged))
        await expectClientError(.invalidSignature) { _ = try await validate(Secret(parts.joined(separator: "."))) }
    }

    @Test("invalid-signature: a token signed by another key under the provider's kid is rejected")
    func signedByAnotherKey() async throws {
        let token = try await fixture.keys.sign(claims(), with: .rsa2, kid: "rsa-1")
        await expectClientError(.invalidSignature) { _ = try await validate(token) }
    }

    @Test("id-token-typ-at+jwt: an RFC 9068 access token signed with the provider's key is refused as an id_token",
          arguments: ["at+jwt", "application/at+jwt", "logout+jwt"])
    func accessTokenAsIDToken(typ: String) async throws {
        let token = try await fixture.keys.sign(claims(), typ: typ)
        await expectClientError(.invalidType) { _ = try await validate(token) }
    }

    @Test("id-token-typ: typ JWT, and no typ at all, are accepted", arguments: ["JWT", "jwt", "application/jwt"])
    func plainJWTType(typ: String) async throws {
        #expect(try await validate(try await fixture.keys.sign(claims(), typ: typ)).subject == "user-1")
    }

    @Test("oidcc-max-age-1: max_age was sent and the id_token has no auth_time — refused")
    func maxAgeWithoutAuthTime() async throws {
        let token = try await fixture.keys.sign(claims())
        await expectClientError(.missingAuthTime) { _ = try await validate(token) { $0.maxAge = .seconds(1) } }
    }

    @Test("oidcc-max-age-1: auth_time older than max_age plus the clock skew — refused; within it — accepted")
    func maxAgeAuthTimeTooOld() async throws {
        let now = Int(fixture.now.timeIntervalSince1970)
        let stale = try await fixture.keys.sign(claims { $0.auth_time = now - 1 - 30 - 1 })
        await expectClientError(.authenticationTooOld) { _ = try await validate(stale) { $0.maxAge = .seconds(1) } }
        let withinSkew = try await fixture.keys.sign(claims { $0.auth_time = now - 1 - 30 })
        #expect(try await validate(withinSkew) { $0.maxAge = .seconds(1) }.authTime != nil)
    }

    @Test("oidcc-max-age-10000: a login 1 hour ago satisfies max_age=10000; without max_age auth_time is not required")
    func maxAgeSatisfied() async throws {
        let now = Int(fixture.now.timeIntervalSince1970)
        let token = try await fixture.keys.sign(claims { $0.auth_time = now - 3600 })
        #expect(try await validate(token) { $0.maxAge = .seconds(10_000) }.authTime != nil)
        #expect(try await validate(try await fixture.keys.sign(claims())).authTime == nil)
    }

    @Test("invalid-aud: a token for another client is rejected")
    func invalidAudience() async throws {
        let token = try await fixture.keys.sign(claims { $0.aud = .one("someone-else") })
        await expectClientError(.invalidAudience) { _ = try await validate(token) }
    }

    @Test("invalid-azp: several audiences without azp naming this client are rejected")
    func invalidAuthorizedParty() async throws {
        let noAZP = try await fixture.keys.sign(claims { $0.aud = .many([TestIssuer.clientID, "api"]) })
        await expectClientError(.invalidAuthorizedParty) { _ = try await validate(noAZP) }
        let otherAZP = try await fixture.keys.sign(claims { $0.aud = .many([TestIssuer.clientID, "api"]); $0.azp = "api" })
        await expectClientError(.invalidAuthorizedParty) { _ = try await validate(otherAZP) }
        let good = try await fixture.keys.sign(claims { $0.aud = .many([TestIssuer.clientID, "api"]); $0.azp = TestIssuer.clientID })
        #expect(try await validate(good).authorizedParty == TestIssuer.clientID)
    }

    @Test("invalid-iss: a token from another issuer is rejected")
    func invalidIssuer() async throws {
        let token = try await fixture.keys.sign(claims { $0.iss = "https://evil.example.com" })
        await expectClientError(.invalidIssuer) { _ = try await validate(token) }
    }

    @Test("expired: exp past by more than the clock skew is rejected; within it, accepted")
    func expired() async throws {
        let now = Int(fixture.now.timeIntervalSince1970)
        let expired = try await fixture.keys.sign(claims { $0.iat = now - 3600; $0.exp = now - 31 })
        await expectClientError(.expired) { _ = try await validate(expired) }
        let withinSkew = try await fixture.keys.sign(claims { $0.iat = now - 3600; $0.exp = now - 29 })
        _ = try await validate(withinSkew)
    }

    @Test("iat-in-future: a token issued beyond the clock skew from now is rejected; within it, accepted")
    func issuedInFuture() async throws {
        let now = Int(fixture.now.timeIntervalSince1970)
        let future = try await fixture.keys.sign(claims { $0.iat = now + 31 })
        await expectClientError(.issuedInFuture) { _ = try await validate(future) }
        let withinSkew = try await fixture.keys.sign(claims { $0.iat = now + 29 })
        _ = try await validate(withinSkew)
        let stricter = try await fixture.keys.sign(claims { $0.iat = now + 10 })
        await expectClientError(.issuedInFuture) { _ = try await validate(stricter) { $0.clockSkew = .seconds(5) } }
    }

    @Test("invalid-nonce: a token with another session's nonce, or none, is rejected")
    func invalidNonce() async throws {
        let replayed = try await fixture.keys.sign(claims { $0.nonce = "another-session" })
        await expectClientError(.invalidNonce) { _ = try await validate(replayed) }
        let missing = try await fixture.keys.sign(claims { $0.nonce = nil })
        await expectClientError(.invalidNonce) { _ = try await validate(missing) }
    }

    @Test("alg-none: an unsigned token is rejected before any key is looked at")
    func algNone() async throws {
        let token = try TestIssuer.craft(header: ["alg": "none", "kid": "rsa-1"], claims: claims())
        await expectClientError(.algorithmNotAllowed) { _ = try await validate(token) }
        // …even when an app lists it.
        await expectClientError(.algorithmNotAllowed) {
            _ = try await validate(token) { $0.allowedAlgorithms.insert("none") }
        }
    }

    @Test("hs256-with-public-key: an HMAC token keyed with the provider's public RSA key is rejected")
    func hmacWithPublicKey() async throws {
        let publicJWK = try JSONSerialization.data(withJSONObject: fixture.keys.jwk(.rsa), options: [.sortedKeys])
        let modulus = Base64URL.decode(fixture.keys.jwk(.rsa)["n"]!)!
        for keyMaterial in [publicJWK, Data(modulus)] {
            let token = try TestIssuer.craft(header: ["alg": "HS256", "kid": "rsa-1", "typ": "JWT"], claims: claims()) { input in
                Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: keyMaterial)))
            }
            await expectClientError(.algorithmNotAllowed) { _ = try await validate(token) }
            // The configured list cannot bring HMAC back either.
            let configured = IDTokenExpectations.algorithms(configured: ["HS256", "RS256"], advertised: ["HS256", "RS256"])
            #expect(configured == ["RS256"])
        }
    }

    @Test("invalid-at_hash: an id_token whose at_hash is not the access token's is rejected")
    func invalidAccessTokenHash() async throws {
        let accessToken = Secret("the-access-token")
        let good = try await fixture.keys.sign(claims { $0.at_hash = AccessTokenHash.compute(for: accessToken, algorithm: "RS256") })
        _ = try await validate(good, accessToken: accessToken)
        let swapped = try await fixture.keys.sign(claims { $0.at_hash = AccessTokenHash.compute(for: Secret("other"), algorithm: "RS256") })
        await expectClientError(.invalidAccessTokenHash) { _ = try await validate(swapped, accessToken: accessToken) }
    }

    @Test("alg-not-advertised: an algorithm the provider does not advertise is rejected")
    func algorithmNotAdvertised() async throws {
        let token = try await fixture.keys.sign(claims(), with: .ec)
        await expectClientError(.algorithmNotAllowed) {
            _ = try await validate(token) {
                $0.allowedAlgorithms = IDTokenExpectations.algorithms(configured: ["RS256", "ES256", "EdDSA"], advertised: ["RS256"])
            }
        }
    }

    @Test("key-alg-mismatch: a token claiming ES256 under an RSA key's kid finds no key")
    func keyAlgorithmMismatch() async throws {
        let token = try await fixture.keys.sign(claims(), with: .ec, kid: "rsa-1")
        await expectClientError(.keyNotFound) { _ = try await validate(token) }
    }

    @Test("kid-absent-multiple-jwks: no kid and several keys for the algorithm is refused as ambiguous")
    func kidAbsentMultipleKeys() async throws {
        let token = try await fixture.keys.sign(claims(), with: .rsa, kid: .some(nil))
        await expectClientError(.ambiguousKey) { _ = try await validate(token, keys: fixture.keys.jwks([.rsa, .rsa2])) }
    }

    @Test("kid-absent-single-jwks: no kid and one key for the algorithm verifies with that key")
    func kidAbsentSingleKey() async throws {
        let token = try await fixture.keys.sign(claims(), with: .rsa, kid: .some(nil))
        _ = try await validate(token, keys: fixture.keys.jwks([.rsa, .ec]))
    }

    @Test("jwks-lenient: encryption and symmetric keys in the JWKS are ignored, not fatal")
    func unusableKeysAreDropped() async throws {
        var encryption = fixture.keys.jwk(.rsa2)
        encryption["use"] = "enc"
        let symmetric = ["kty": "oct", "kid": "hmac", "k": Base64URL.encode(Array("shared".utf8))]
        let keys = try JSONWebKeySet(json: Array(fixture.keys.jwks(objects: [fixture.keys.jwk(.rsa), encryption, symmetric]).utf8))
        #expect(keys.keyIDs == ["rsa-1"])
        _ = try await validate(try await fixture.keys.sign(claims()), keys: fixture.keys.jwks(objects: [fixture.keys.jwk(.rsa), encryption, symmetric]))
    }

    @Test("malformed: a JWE, garbage and a token without exp are refused as malformed")
    func malformed() async throws {
        await expectClientError(.malformedIDToken) { _ = try await validate(Secret("a.b.c.d.e")) }
        await expectClientError(.malformedIDToken) { _ = try await validate(Secret("not a token")) }
        let noExp = try await fixture.keys.sign(claims { $0.exp = nil })
        await expectClientError(.malformedIDToken) { _ = try await validate(noExp) }
        let critical = try TestIssuer.craft(header: ["alg": "RS256", "kid": "rsa-1", "crit": ["exp"]], claims: claims())
        await expectClientError(.malformedIDToken) { _ = try await validate(critical) }
    }

    @Test("sub-mismatch: a refreshed id_token about another user is rejected")
    func subjectMismatch() async throws {
        let token = try await fixture.keys.sign(claims { $0.sub = "user-2"; $0.nonce = nil })
        await expectClientError(.subjectMismatch) {
            _ = try await validate(token) { $0.nonce = nil; $0.subject = "user-1" }
        }
    }
}
