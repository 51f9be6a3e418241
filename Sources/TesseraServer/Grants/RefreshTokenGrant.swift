import TesseraCore

/// `grant_type=refresh_token` (RFC 6749 §6), rotating the refresh token on every use.
///
/// The presented token is rotated out atomically; presenting it again afterwards revokes the whole
/// grant (reuse detection, RFC 9700 §4.14.2). A refresh may narrow the access token's scope,
/// never widen it; the rotated refresh token keeps the grant's whole scope.
struct RefreshTokenGrant: GrantHandler {
    let refreshTokens: any RefreshTokenStore
    let issuer: TokenIssuer
    let clock: WallClock

    var grantType: GrantType { .refreshToken }

    func respond(to request: TokenRequest, client: Client) async throws -> TokenResponse {
        guard let refreshToken = request.refreshToken else {
            throw OAuthError(.invalidRequest, "The request is missing the 'refresh_token' parameter.")
        }
        let now = clock.now()
        let issuer = self.issuer
        let minted = Box<TokenIssuer.Minted>()
        let grant = try await refreshTokens.rotateRefreshToken(hash: refreshToken.sha256Hex, at: now,
                                                                graceSeconds: issuer.configuration.refreshGraceSeconds) { grant, record throws(OAuthError) in
            guard grant.clientID == client.id else {
                throw OAuthError(.invalidGrant, "The refresh token was issued to another client.")
            }
            guard grant.revokedAt == nil else {
                throw OAuthError(.invalidGrant, "The refresh token has been revoked.")
            }
            guard now < record.expiresAt else {
                throw OAuthError(.invalidGrant, "The refresh token has expired.")
            }
            // Measured against the grant, not this token: the scope the user granted (RFC 6749 §6).
            let scope = request.scope ?? grant.scope
            guard scope.isSubset(of: grant.scope) else {
                throw OAuthError(.invalidScope, "A refresh cannot add scopes the user did not grant.")
            }
            let tokens = issuer.mint(under: grant, scope: scope, client: client, now: now)
            minted.value = tokens
            return tokens.records
        }
        return try await issuer.response(for: minted.value, grant: grant, client: client, includeNonce: false, now: now)
    }
}
