import Hummingbird

extension DPoPProofCheck {
    /// `response` with the current nonce in a `DPoP-Nonce` header when nonces are required (RFC
    /// 9449 §8.1): on every answer of an endpoint that takes proofs, success or error, so a client
    /// refused with `use_dpop_nonce` learns the nonce and one that succeeded keeps up with rotation.
    func withNonce(_ response: Response) -> Response {
        guard let nonce = currentNonce() else { return response }
        return response.with(header: .dpopNonce, nonce)
    }
}
