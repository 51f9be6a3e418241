public import Foundation

/// The whole check of one DPoP proof, for any server that takes them — the provider's token
/// endpoint and /userinfo, and an API's middleware: the stateless checks of
/// ``DPoPProofValidator`` (RFC 9449 §4.3), then the server nonce when one is required (§8, §9),
/// then the replay record (§11.1).
///
/// In that order: a proof refused for its nonce is not recorded, so its retry (a new proof anyway)
/// is not mistaken for a replay, and the replay store only ever holds proofs that passed
/// everything else — a flood of junk cannot fill it.
public struct DPoPProofVerifier: Sendable {
    /// The `iat` window and accepted algorithms.
    public let policy: DPoPProofPolicy
    /// When set, every proof must carry a nonce this source accepts.
    public let nonces: DPoPNonceSource?
    /// Remembers the proofs already accepted.
    public let replayGuard: any DPoPReplayGuard

    public init(policy: DPoPProofPolicy = DPoPProofPolicy(), nonces: DPoPNonceSource? = nil, replayGuard: any DPoPReplayGuard) {
        self.policy = policy
        self.nonces = nonces
        self.replayGuard = replayGuard
    }

    /// Checks `proof` for a request of `method` to `url` (see ``DPoPProofValidator/validate(_:method:url:accessToken:boundTo:now:policy:)``).
    /// - Throws: ``OAuthError`` `invalid_dpop_proof` for a proof failing a check or used before;
    ///   `use_dpop_nonce` when a nonce is required and the proof has no current one; the replay
    ///   guard's own error, unchanged, when it cannot answer — the caller's fault is not the client's.
    public func verify(_ proof: String, method: String, url: String, accessToken: Secret? = nil,
                       boundTo thumbprint: String? = nil, now: Date) async throws -> DPoPProof {
        let checked = try DPoPProofValidator.validate(proof, method: method, url: url, accessToken: accessToken,
                                                      boundTo: thumbprint, now: now, policy: policy)
        if let nonces {
            guard let nonce = checked.nonce else {
                throw OAuthError(.useDPoPNonce, "This server requires a nonce in DPoP proofs: sign the one in the DPoP-Nonce header.")
            }
            guard nonces.accepts(nonce, at: now) else {
                throw OAuthError(.useDPoPNonce, "The DPoP proof's nonce is not current: sign the one in the DPoP-Nonce header.")
            }
        }
        let keptUntil = checked.issuedAt.addingTimeInterval(policy.replayRecordLifetime.seconds)
        guard try await replayGuard.firstUse(of: checked, keptUntil: keptUntil) else {
            throw OAuthError(.invalidDPoPProof, "This DPoP proof was used before: sign a new proof, with a new jti, for every request.")
        }
        return checked
    }
}
