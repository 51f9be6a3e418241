import Foundation
import JWTKit
import Testing
import TesseraCore
@testable import TesseraServer

/// Tokens as ``JWSSerializer`` assembles them — header and claims written directly, signed by the
/// system's libcrypto where it loads — verified by jwt-kit, the verifier relying parties use.
@Suite("JWS assembly verified by jwt-kit (RFC 7515 §7.1, RFC 7518 §3.3–3.4)")
struct JWSSignatureTests {
    @Test("RFC 7518 §3.4: every ES256 signature verifies, whatever the widths of r and s; RS256 too",
          arguments: [(SigningAlgorithm.es256, 600), (.rs256, 20)])
    func verifies(algorithm: SigningAlgorithm, count: Int) async throws {
        let key = try SigningKey.generate(algorithm)
        let keys = JWTKeyCollection()
        try await key.add(to: keys)
        let signer = key.signer(backend: .preferred)
        for index in 0..<count {
            let claims = AccessTokenClaims(iss: "https://tessera.example/", sub: "user \(index) é/\"x\"", aud: ["https://api.example"],
                                           exp: 4_000_000_000, iat: 1_764_000_000 + index, jti: "j\(index)", clientID: "c",
                                           scope: index % 2 == 0 ? "openid read:all" : nil)
            let token = try JWSSerializer.sign(claims, type: "at+jwt", kid: key.kid, key: signer)
            let verified = try await keys.verify(token, as: AccessTokenClaims.self)
            #expect(verified.sub == claims.sub && verified.iat == claims.iat && verified.scope == claims.scope)
            let header = try #require(try JSONSerialization.jsonObject(with: Data(Base64URL.decode(String(token.split(separator: ".")[0])) ?? []))
                as? [String: String])
            #expect(header == ["alg": algorithm.rawValue, "typ": "at+jwt", "kid": key.kid])
        }
    }
}
