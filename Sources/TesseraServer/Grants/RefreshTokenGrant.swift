import TesseraCore

/// `grant_type=refresh_token` (RFC 6749 §6), rotating the refresh token on every use.
///
/// The presented token is rotated out atomically; presenting it again afterwards revokes the whole
/// grant (reuse detection, RFC 9700 §4.14.2). A refresh may narrow the access token's scope,
/// never widen it; the rotated refresh token keeps the grant's whole scope. A grant for an API is
/// refreshed only while the client still holds a client grant for it, and its access token
/// carries only the permissions that grant allows today (an administrator may have narrowed or
/// removed it since the user logged in).
struct RefreshTokenGrant: GrantHandler {
    let refreshTokens: any RefreshTokenStore
    let apis: any APIStore
    let clientGrants: any ClientGrantStore
    let issuer: TokenIssuer
    let clock: WallClock

    var grantType: GrantType { .refreshToken }

    func respond(to request: TokenRequest, client: Client) async throws -> TokenResponse {
        guard let refreshToken = request.refreshToken else {
            throw OAuthError(.invalidRequest, "The request is missing the 'refresh_token' parameter.")
        }
        let permitted = try await permittedScope(ofRefreshTokenHash: refreshToken.sha256Hex, client: client)
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
            let tokens = issuer.mint(under: grant, scope: permitted.map(scope.intersection) ?? scope, client: client, now: now)
            minted.value = tokens
            return tokens.records
        }
        return try await issuer.response(for: minted.value, grant: grant, client: client, includeNonce: false, now: now)
    }

    /// What the client may still get under the token's grant: nil (no limit beyond the grant) for
    /// a grant without an API; for an API, the identity scopes and what its client grant allows now.
    /// - Throws: `invalid_grant` when the client is no longer granted the API.
    private func permittedScope(ofRefreshTokenHash hash: String, client: Client) async throws -> Scope? {
        guard let (_, grant) = try await refreshTokens.refreshToken(hash: hash), grant.clientID == client.id,
              let audience = grant.audience
        else { return nil }
        guard let api = try await apis.api(identifier: audience),
              let allowed = APIAccess(api: api, grant: try await clientGrants.clientGrant(clientID: client.id, apiIdentifier: audience)).permitted
        else {
            throw OAuthError(.invalidGrant, "The client is no longer granted access to the API this refresh token is for.")
        }
        return Scope(AuthorizationRequest.supportedScopes.tokens + allowed.tokens)
    }
}
