import TesseraCore

/// The one rule of everything bound to a DPoP key before it is used — a refresh token (RFC 9449
/// §5), an authorization code (§10): the request must carry a proof signed by that key.
enum DPoPKeyBinding {
    /// Throws `invalid_dpop_proof` unless `proof` is signed by the key `thumbprint` names; nothing
    /// to check when `thumbprint` is nil (not bound).
    /// - Parameter bound: what is bound, for the error description ("refresh token").
    static func check(_ proof: DPoPProof?, boundTo thumbprint: String?, bound: String) throws(OAuthError) {
        guard let thumbprint else { return }
        guard let proof else {
            throw OAuthError(.invalidDPoPProof, "This \(bound) is bound to a DPoP key: send a DPoP proof signed by that key.")
        }
        guard proof.thumbprint == thumbprint else {
            throw OAuthError(.invalidDPoPProof, "The DPoP proof is signed by another key than the one this \(bound) is bound to.")
        }
    }
}
