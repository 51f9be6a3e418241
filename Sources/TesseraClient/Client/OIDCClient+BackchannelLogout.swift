public import TesseraCore

extension OIDCClient {
    /// Validates a back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.6) against
    /// the provider's JWKS — the id_token's cache and key checks — and accepts each `jti` once.
    ///
    /// ```swift
    /// // POST /backchannel-logout, form body logout_token=…
    /// let logout = try await client.validateLogoutToken(Secret(form["logout_token"]))
    /// ```
    /// - Parameter maxAge: how long after its `iat` a token is still accepted (plus the clock skew).
    /// - Throws: ``ClientError``: `.logoutTokenNonceForbidden`, `.logoutTokenReplayed`, … for a
    ///   token to refuse (answer 400); a transport error when the JWKS cannot be fetched.
    public func validateLogoutToken(_ token: Secret, maxAge: Duration = LogoutTokenValidator.defaultMaxAge) async throws -> LogoutTokenClaims {
        let metadata = try await metadata()
        let expectations = IDTokenExpectations(
            issuer: metadata.issuer, clientID: configuration.clientID,
            allowedAlgorithms: IDTokenExpectations.algorithms(configured: configuration.allowedAlgorithms,
                                                              advertised: metadata.idTokenSigningAlgValuesSupported),
            nonce: nil, clockSkew: configuration.clockSkew)
        let claims = try await withProviderKeys(metadata) { keys in
            try await LogoutTokenValidator.validate(token, keys: keys, expectations: expectations, maxAge: maxAge, now: now())
        }
        let until = claims.issuedAt.adding(maxAge).adding(configuration.clockSkew)
        guard await logoutTokenIDs.insert(claims.issuer + " " + claims.tokenID, until: until, now: now()) else {
            throw ClientError(.logoutTokenReplayed, "The logout token was already used (its jti was seen before).")
        }
        return claims
    }
}
