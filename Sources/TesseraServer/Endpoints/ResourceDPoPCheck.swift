import HTTPTypes
import Hummingbird
import TesseraCore

/// RFC 9449 §7 at the provider's own protected resource (`/userinfo`): whether an access token
/// may be used the way the request presents it.
///
/// - an unbound token works as `Bearer`, as it always has (RFC 6750);
/// - a DPoP-bound token must come as `Authorization: DPoP` with a proof for this request — its
///   method and URL (`htm`, `htu`), the token's hash (`ath`), signed by the key the token is bound
///   to (`cnf.jkt`), never seen before (replay), with the provider's nonce when nonces are on.
///   Presented as `Bearer`, it is refused: that is what a thief without the key would send (§7.2);
/// - an unbound token under `DPoP` is refused too: the client is confused about what it holds.
struct ResourceDPoPCheck: Sendable {
    let proofs: DPoPProofCheck
    /// The endpoint's public URL: the `htu` every proof must name.
    let url: String
    /// The proof algorithms accepted, for the challenge's `algs`.
    let algorithms: [String]

    init(proofs: DPoPProofCheck, url: String, policy: DPoPProofPolicy) {
        self.proofs = proofs
        self.url = url
        self.algorithms = policy.algorithmNames
    }

    /// - Throws: ``OAuthError`` `invalid_token` for a token presented under the wrong scheme;
    ///   `invalid_dpop_proof` or `use_dpop_nonce` (from ``DPoPProofCheck``) for a missing or bad
    ///   proof; the replay store's error when it cannot be reached.
    func check(_ presented: PresentedAccessToken, boundTo thumbprint: String?, in request: Request) async throws {
        switch (presented.scheme, thumbprint) {
        case (.bearer, nil):
            return
        case (.bearer, .some):
            throw OAuthError(.invalidToken,
                             "This access token is bound to a DPoP key: present it as 'Authorization: DPoP <token>' with a DPoP proof (RFC 9449 §7.1).")
        case (.dpop, nil):
            throw OAuthError(.invalidToken, "This access token is not DPoP-bound: present it as 'Authorization: Bearer <token>' (RFC 9449 §7.1).")
        case (.dpop, let thumbprint?):
            let proof = try await proofs.proof(in: request, method: request.method, url: url, accessToken: presented.token, boundTo: thumbprint)
            guard proof != nil else {
                throw OAuthError(.invalidDPoPProof, "A DPoP-bound access token needs a DPoP proof of its key in the 'DPoP' header (RFC 9449 §7).")
            }
        }
    }
}
