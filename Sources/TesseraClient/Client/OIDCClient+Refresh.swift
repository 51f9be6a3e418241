public import TesseraCore

extension OIDCClient {
    /// Exchanges the refresh token for new tokens (RFC 6749 §6), once for however many callers ask
    /// at the same time: concurrent refreshes of one session share one request, and a caller that
    /// arrives within `refreshReuseWindow` after it gets its result rather than replaying the
    /// rotated token. The rotated refresh token replaces the old one; the old one is kept when the
    /// provider returns none. A returned id_token is validated and must name the same user.
    /// DPoP-bound tokens are refreshed with a proof of the key they are bound to (RFC 9449 §5),
    /// so the new ones are bound to it too; a client without that key fails with
    /// `.invalidConfiguration` before sending anything.
    ///
    /// A refresh token the provider rotated is never sent again: past the reuse window, a caller
    /// still holding it gets `.refreshTokenRotated` (a provider with reuse detection would revoke
    /// the whole login); a caller that asked for another `scope` while it was being refreshed is
    /// answered with a refresh of its successor.
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
        _ = try dpopKey(for: tokens)   // bound tokens: this client must hold their key
        let client = self
        let flight: RefreshFlight
        do {
            flight = try await refreshes.run(SecretHash(of: refreshToken).hex, now: now()) {
                let metadata = try await client.metadata()
                let request = try TokenEndpoint.request(.refresh(refreshToken, scope: scope), metadata: metadata,
                                                        configuration: client.configuration)
                let response = try TokenEndpoint.process(try await client.sendTokenRequest(request, operation: "refresh_token grant"))
                let receivedAt = client.now()
                let claims = try await response.idToken.asyncMap {
                    try await client.validateIDToken($0, nonce: nil, accessToken: response.accessToken,
                                                     subject: tokens.idTokenClaims?.subject)
                }
                return RefreshFlight(tokens: tokens.merging(refreshed: response, claims: claims, receivedAt: receivedAt,
                                                            dpopKeyThumbprint: client.dpopKey?.thumbprint), scope: scope)
            }
        } catch is SingleFlightSpent {
            throw ClientError(.refreshTokenRotated,
                              "This refresh token was already exchanged and rotated; refresh with the tokens that exchange returned.")
        }
        if flight.scope != scope, let successor = flight.tokens.refreshToken, successor != refreshToken {
            return try await refresh(flight.tokens, scope: scope)
        }
        return flight.tokens
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

/// One refresh as callers share it: the tokens it returned and the scope it asked for.
struct RefreshFlight: Sendable {
    let tokens: TokenSet
    let scope: Scope?

    /// Whether the provider rotated the refresh token whose hash is `key`, using it up.
    static func rotates(_ key: String, _ flight: RefreshFlight) -> Bool {
        flight.tokens.refreshToken.map { SecretHash(of: $0).hex != key } ?? false
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
