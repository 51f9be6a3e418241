import TesseraCore

/// RFC 9449 §10: an authorization code bound to a DPoP key before it exists.
///
/// A client names its key's thumbprint in the authorization request (`dpop_jkt`), or sends a
/// `DPoP` proof with its pushed request (§10.1), and the code can then be exchanged only with a
/// proof of that key: a code stolen from the redirect (a malicious app on the same custom scheme,
/// a leaked log) is worthless to a thief who lacks the key, even for a public client.
enum DPoPCodeBinding {
    /// Whether `value` can be a `dpop_jkt`: a base64url SHA-256 JWK thumbprint (RFC 7638), 43 characters.
    static func isThumbprint(_ value: String) -> Bool {
        value.utf8.count == 43 && Base64URL.decode(value)?.count == 32
    }

    /// The token request exchanging `grant`'s code must carry a proof of the key it is bound to.
    /// Checked against the consumed code, like PKCE: a failed attempt burns it.
    static func check(_ grant: Grant, proof: DPoPProof?) throws(OAuthError) {
        try DPoPKeyBinding.check(proof, boundTo: grant.dpopThumbprint, bound: "authorization code (dpop_jkt, RFC 9449 §10)")
    }

    /// The `dpop_jkt` a pushed request binds its code to (§10.1): the parameter, or the thumbprint
    /// of the proof sent with the push; with both, they must name the same key.
    static func pushed(parameter: String?, proof: DPoPProof?) throws(OAuthError) -> String? {
        guard let proof else { return parameter }
        if let parameter, parameter != proof.thumbprint {
            throw OAuthError(.invalidDPoPProof, "The dpop_jkt parameter does not match the key of the DPoP proof sent with it.")
        }
        return proof.thumbprint
    }
}
