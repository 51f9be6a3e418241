import TesseraCore

/// The claims of a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): who logged out of
/// which session, for one client. Never a `nonce`, so it cannot pass as an id_token (§2.4), and
/// `typ: logout+jwt` in the header (§2.4, RFC 8725 §3.11).
struct LogoutTokenClaims: Encodable, Sendable {
    /// The event that makes a JWT a logout token.
    static let event = "http://schemas.openid.net/event/backchannel-logout"
    /// The JOSE `typ` of a logout token.
    static let type = "logout+jwt"
    /// How long a logout token is accepted: it is delivered at once, so two minutes is plenty.
    static let lifetime = 120

    var iss: String
    var aud: String
    var iat: Int
    var exp: Int
    var jti: String
    var sub: String
    var sid: String?
    var events: [String: [String: String]] = [Self.event: [:]]
}

extension KeyRing {
    /// A signed logout token for `pending`, signed as the client's id_tokens are, with a fresh
    /// `jti` for every attempt.
    func logoutToken(for pending: PendingBackchannelLogout, issuer: String, now: Int) throws -> Secret {
        let claims = LogoutTokenClaims(
            iss: issuer, aud: pending.clientID, iat: now, exp: now + LogoutTokenClaims.lifetime,
            jti: Secret.random(byteCount: 16).unredacted, sub: pending.subject, sid: pending.sid)
        let algorithm = SigningAlgorithm(rawValue: pending.idTokenAlgorithm) ?? .rs256
        return Secret(try sign(claims, algorithm: algorithm, type: LogoutTokenClaims.type))
    }
}
