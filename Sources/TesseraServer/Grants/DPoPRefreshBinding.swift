import TesseraCore

/// RFC 9449 §5: a refresh token bound to a DPoP key refreshes only with a proof signed by it.
///
/// Only public clients' refresh tokens are bound (``TokenIssuer/mint(under:scope:client:now:dpopThumbprint:)``):
/// a public client has no secret, so the key is what makes a stolen refresh token useless.
///
/// A refusal rotates nothing and does **not** revoke the token's family, unlike a rotated-out
/// token presented again (RFC 9700 §4.14.2). Reuse detection revokes because a second use proves
/// two parties held a token that worked for both; a bound token presented without its key proves
/// only that someone holds a token that does not work for them. Revoking then would hand anyone
/// who copied a bound token the power to log its user out, which is what binding takes away. The
/// check runs before rotation, so only the key's holder can trigger reuse detection at all.
enum DPoPRefreshBinding {
    static func check(_ token: RefreshTokenRecord, proof: DPoPProof?) throws(OAuthError) {
        try DPoPKeyBinding.check(proof, boundTo: token.dpopThumbprint, bound: "refresh token (RFC 9449 §5)")
    }
}
