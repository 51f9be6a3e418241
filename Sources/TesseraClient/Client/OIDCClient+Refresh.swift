public import TesseraCore

extension OIDCClient {
    /// Exchanges the refresh token for new tokens (RFC 6749 §6), once for however many callers ask
    /// at the same time: concurrent refreshes of one session share one request, and a caller that
    /// arrives within `refreshReuseWindow` after it gets its result rather than replaying the
    /// rotated token. The rotated refresh token replaces the old one; the old one is kept when the
    /// provider returns none. A returned id_token is validated and must name the same user.
    ///
    /// ```swift
    /// do {
    ///     session.tokens = try await client.refresh(session.tokens)
    /// } catch let error as OAuthError where error.code == .invalidGrant {
    ///     // Revoked or expired: log in again.
    /// }
    /// ```
    /// - Parameter scope: a narrower scope for the new access token, if wanted.
    public func refresh(_ tokens: TokenSet, scope: Scope? = nil) async throws -> TokenSet {
        guard let refreshToken = tokens.refreshToken else {
            throw ClientError(.missingRefreshToken, "These tokens have no refresh token (was offline_access granted?).")
        }
        let key = refreshToken.sha256Hex + " " + (scope?.description ?? "")
        let client = self
        return try await refreshes.run(key, now: now()) {
            let metadata = try await client.metadata()
            let request = try TokenEndpoint.request(.refresh(refreshToken, scope: scope), metadata: metadata,
                                                    configuration: client.configuration)
            let response = try TokenEndpoint.process(try await client.send(request, operation: "refresh_token grant"))
            let receivedAt = client.now()
            let claims = try await response.idToken.asyncMap {
                try await client.validateIDToken($0, nonce: nil, accessToken: response.accessToken,
                                                 subject: tokens.idTokenClaims?.subject)
            }
            return tokens.merging(refreshed: response, claims: claims, receivedAt: receivedAt)
        }
    }

    /// `tokens` as they are, or refreshed when the access token expires within the refresh-ahead
    /// window (60 s by default): call it before each use of the access token.
    ///
    /// ```swift
    /// session.tokens = try await client.validTokens(session.tokens)
    /// ```
    public func validTokens(_ tokens: TokenSet) async throws -> TokenSet {
        guard tokens.expires(within: configuration.refreshAhead, of: now()), tokens.refreshToken != nil else {
            return tokens
        }
        return try await refresh(tokens)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
