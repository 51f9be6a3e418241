import TesseraCore

extension Client {
    /// RFC 9449 §5.2: a client that must use DPoP (`--require-dpop`, or registered with
    /// `dpop_bound_access_tokens: true`) gets no token from a request without a proof — else a
    /// stolen client secret, or a public client's code, would still buy a plain bearer token.
    ///
    /// ```swift
    /// let proof = try await dpop.proof(in: request, method: .post, url: tokenURL)
    /// try client.requireDPoPProof(proof)
    /// ```
    /// - Throws: ``OAuthError`` `invalid_dpop_proof` when this client must send a proof and `proof` is nil.
    func requireDPoPProof(_ proof: DPoPProof?) throws(OAuthError) {
        guard requiresDPoP, proof == nil else { return }
        throw OAuthError(.invalidDPoPProof,
                         "This client must send a DPoP proof (RFC 9449 §5.2) with every token request: sign one with its key and send it in the 'DPoP' header.")
    }
}
