import Foundation
import Testing
import TesseraCore
@testable import TesseraServer

/// RFC 9449 §5's rule for bound refresh tokens, without a server: which proofs refresh which tokens.
@Suite("DPoP refresh-token binding (RFC 9449 §5)")
struct DPoPRefreshBindingTests {
    static let url = "https://id.example/oauth/token"

    static func token(boundTo thumbprint: String?) -> RefreshTokenRecord {
        RefreshTokenRecord(hash: SecretHash(stored: "h"), grantID: "g", scope: "openid offline_access", createdAt: 0, expiresAt: 100,
                           rotatedAt: nil, dpopThumbprint: thumbprint)
    }

    static func proof(_ key: DPoPKey) throws -> DPoPProof {
        try DPoPProofValidator.validate(try key.proof(method: "POST", url: url), method: "POST", url: url, now: Date())
    }

    /// The error code `check` throws, nil when it passes.
    static func refusal(_ token: RefreshTokenRecord, _ proof: DPoPProof?) -> OAuthError.Code? {
        do {
            try DPoPRefreshBinding.check(token, proof: proof)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("RFC 9449 §5: a bound refresh token needs a proof of its key: none, or another key's, is invalid_dpop_proof")
    func boundToken() throws {
        let key = DPoPKey.generate(.es256)
        let bound = Self.token(boundTo: key.thumbprint)
        #expect(Self.refusal(bound, nil) == .invalidDPoPProof)
        #expect(Self.refusal(bound, try Self.proof(DPoPKey.generate(.es256))) == .invalidDPoPProof)
        #expect(Self.refusal(bound, try Self.proof(key)) == nil)
    }

    @Test("RFC 9449 §5: an unbound refresh token refreshes with or without a proof")
    func unboundToken() throws {
        #expect(Self.refusal(Self.token(boundTo: nil), nil) == nil)
        #expect(Self.refusal(Self.token(boundTo: nil), try Self.proof(DPoPKey.generate(.edDSA))) == nil)
    }
}
