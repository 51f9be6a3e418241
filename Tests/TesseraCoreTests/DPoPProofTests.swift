import Foundation
import TesseraCore
import Testing

/// The stateless proof checks of RFC 9449 §4.3 on proofs made by ``DPoPKey``: each test breaks one
/// thing a proof carries and expects the one refusal that names it.
@Suite struct DPoPProofTests {
    let key = DPoPKey.generate(.es256)
    let url = "https://id.example/oauth/token"
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func validate(_ proof: String, method: String = "POST", url: String? = nil, accessToken: Secret? = nil,
                  boundTo thumbprint: String? = nil) throws -> DPoPProof {
        try DPoPProofValidator.validate(proof, method: method, url: url ?? self.url, accessToken: accessToken,
                                        boundTo: thumbprint, now: now)
    }

    func refusal(_ proof: String, method: String = "POST", url: String? = nil, accessToken: Secret? = nil,
                 boundTo thumbprint: String? = nil) -> String? {
        do {
            _ = try validate(proof, method: method, url: url, accessToken: accessToken, boundTo: thumbprint)
            return nil
        } catch let error as OAuthError {
            #expect(error.code == .invalidDPoPProof)
            return error.description
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    /// A proof with `header`/`claims` members replaced (nil removes one).
    func proof(header changes: [String: JSONValue?] = [:], claims claimChanges: [String: JSONValue?] = [:],
               signer: DPoPKey? = nil) throws -> String {
        var header: [String: JSONValue] = ["typ": .string("dpop+jwt"), "alg": .string(key.algorithm.rawValue),
                                           "jwk": .object(key.publicKey.jwk)]
        var claims: [String: JSONValue] = ["jti": .string(UUID().uuidString), "htm": .string("POST"), "htu": .string(url),
                                           "iat": .number(now.timeIntervalSince1970)]
        for (name, value) in changes { header[name] = value }
        for (name, value) in claimChanges { claims[name] = value }
        return try (signer ?? key).signedJWT(header: header, claims: claims)
    }

    @Test("RFC 9449 §4.3: a proof from each supported key type verifies and names its key's thumbprint",
          arguments: DPoPAlgorithm.allCases)
    func eachAlgorithm(algorithm: DPoPAlgorithm) throws {
        let key = DPoPKey.generate(algorithm)
        let proof = try validate(try key.proof(method: "POST", url: url, issuedAt: now, jti: "one"))
        #expect(proof.thumbprint == key.thumbprint)
        #expect(proof.jti == "one")
        #expect(proof.issuedAt == now)
    }

    @Test("RFC 7638 §3.1: the thumbprint of the RFC's RSA key")
    func rfc7638Example() throws {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let key = try DPoPPublicKey(jwk: ["kty": .string("RSA"), "n": .string(n), "e": .string("AQAB"),
                                          "alg": .string("RS256"), "kid": .string("2011-04-29")])
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test("attack: a proof whose jwk carries the private key is refused")
    func privateKeyInHeader() throws {
        var jwk = key.publicKey.jwk
        jwk["d"] = .string("AAAA")
        #expect(refusal(try proof(header: ["jwk": .object(jwk)]))?.contains("private member 'd'") == true)
    }

    @Test("attack: alg none, an HMAC alg, or a key of another type than alg is refused")
    func algorithmConfusion() throws {
        #expect(refusal(try proof(header: ["alg": .string("none")]))?.contains("alg must be one of ES256, EdDSA, RS256") == true)
        #expect(refusal(try proof(header: ["alg": .string("HS256")]))?.contains("alg must be one of") == true)
        #expect(refusal(try proof(header: ["alg": .string("EdDSA")]))?.contains("not a key for EdDSA") == true)
    }

    @Test("RFC 9449 §4.3: typ must be dpop+jwt; a missing jwk, jti or iat is refused")
    func requiredMembers() throws {
        #expect(refusal(try proof(header: ["typ": .string("JWT")]))?.contains("typ must be 'dpop+jwt'") == true)
        #expect(refusal(try proof(header: ["jwk": nil]))?.contains("no jwk") == true)
        #expect(refusal(try proof(claims: ["jti": nil]))?.contains("jti") == true)
        #expect(refusal(try proof(claims: ["iat": .string("now")]))?.contains("numeric iat") == true)
    }

    @Test("attack: a proof signed by one key but naming another key's jwk is refused")
    func signatureByAnotherKey() throws {
        let other = DPoPKey.generate(.es256)
        #expect(refusal(try proof(signer: other))?.contains("signature does not verify") == true)
    }

    @Test("attack: a proof whose claims were edited after signing is refused")
    func tamperedClaims() throws {
        let parts = try proof().split(separator: ".")
        let forged = Base64URL.encode(Array(#"{"jti":"x","htm":"POST","htu":"https://id.example/oauth/token","iat":1800000000}"#.utf8))
        #expect(refusal([parts[0], Substring(forged), parts[2]].joined(separator: "."))?.contains("signature") == true)
        #expect(refusal("not.a-jws")?.contains("compact JWS") == true)
    }

    @Test("attack: a proof for another method or URL is refused (htm, htu)")
    func anotherRequest() throws {
        #expect(refusal(try proof(), method: "GET")?.contains("htm") == true)
        #expect(refusal(try proof(), url: "https://id.example/userinfo")?.contains("htu") == true)
        #expect(refusal(try proof(), url: "https://other.example/oauth/token")?.contains("htu") == true)
        #expect(refusal(try proof(), url: "http://id.example/oauth/token")?.contains("htu") == true)
    }

    @Test("RFC 9449 §4.3: htu matches after RFC 3986 normalisation, ignoring query and fragment")
    func normalisedTarget() throws {
        let spelled = "HTTPS://ID.Example:443/a/../oauth/%74oken?x=1#f"
        #expect(try validate(try proof(claims: ["htu": .string(spelled)])).jti.isEmpty == false)
        #expect(DPoPTargetURI.normalized("https://id.example") == "https://id.example/")
        #expect(DPoPTargetURI.normalized("https://id.example:8443/p%2fq") == "https://id.example:8443/p%2Fq")
        #expect(DPoPTargetURI.normalized("ftp://id.example/") == nil)
        #expect(DPoPTargetURI.normalized("https://user@id.example/") == nil)
    }

    @Test("attack: a stale proof (iat older than the window) or one from the future is refused")
    func issuedAtWindow() throws {
        #expect(refusal(try proof(claims: ["iat": .number(now.timeIntervalSince1970 - 61)]))?.contains("stale") == true)
        #expect(refusal(try proof(claims: ["iat": .number(now.timeIntervalSince1970 + 6)]))?.contains("future") == true)
        #expect(try validate(try proof(claims: ["iat": .number(now.timeIntervalSince1970 - 59)])).jti.isEmpty == false)
    }

    @Test("attack: a proof without ath, or with another token's ath, is refused with an access token")
    func accessTokenHash() throws {
        let token = Secret("the-access-token")
        #expect(refusal(try proof(), accessToken: token)?.contains("no ath") == true)
        let otherHash = DPoPProof.ath(of: Secret("another-token"))
        #expect(refusal(try proof(claims: ["ath": .string(otherHash)]), accessToken: token)?.contains("ath is not the hash") == true)
        let proof = try validate(try key.proof(method: "GET", url: url, accessToken: token, issuedAt: now), method: "GET",
                                 accessToken: token, boundTo: key.thumbprint)
        #expect(proof.thumbprint == key.thumbprint)
    }

    @Test("attack: a proof signed by another key than the token's cnf.jkt is refused")
    func anotherKeyThanBound() throws {
        let other = DPoPKey.generate(.edDSA)
        #expect(refusal(try proof(), boundTo: other.thumbprint)?.contains("another key") == true)
    }

    @Test("RFC 7515 §4: a header with a repeated member is refused")
    func repeatedMember() throws {
        let header = Base64URL.encode(Array(#"{"typ":"dpop+jwt","typ":"JWT"}"#.utf8))
        #expect(refusal(header + ".e30.AAAA")?.contains("header is not a JSON object") == true)
    }

    @Test("RFC 9449 §11.1: a proof's replay key is fixed-length and scoped to its key")
    func replayKey() throws {
        let a = try validate(try key.proof(method: "POST", url: url, issuedAt: now, jti: "same"))
        let b = try validate(try DPoPKey.generate(.es256).proof(method: "POST", url: url, issuedAt: now, jti: "same"))
        #expect(a.replayKey != b.replayKey)
        #expect(a.replayKey.count == 43)
    }
}
