public import TesseraClient

extension OIDCSession {
    /// Whether a back-channel logout token ends this session (OpenID Connect Back-Channel Logout
    /// 1.0 §2.7): its login came from the provider session `sid` names, or — for a token without
    /// `sid` — it is the login of the user `sub` names. A token with both must match both.
    /// Sessions still on their way to the provider (no tokens) are never ended.
    ///
    /// ```swift
    /// let ended = sessions.filter { $0.value.isEnded(by: logout) }   // in a custom store
    /// ```
    public func isEnded(by logout: LogoutTokenClaims) -> Bool {
        guard let claims = tokens?.idTokenClaims, claims.issuer == logout.issuer else { return false }
        if let subject = logout.subject, claims.subject != subject { return false }
        if let sid = logout.sessionID { return claims.sessionID == sid }
        return logout.subject != nil
    }
}
