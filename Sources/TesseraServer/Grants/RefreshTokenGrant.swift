import TesseraCore

/// `grant_type=refresh_token` (RFC 6749 §6), rotating the refresh token on every use.
///
/// The presented token is rotated out atomically; presenting it again afterwards revokes the whole
/// grant (reuse detection, RFC 9700 §4.14.2). A refresh may narrow the access token's scope,
/// never widen it; the rotated refresh token keeps the grant's whole scope. A grant for an API is
/// refreshed only while the client still holds a client grant for it, and its access token
/// carries only the permissions that grant allows today (an administrator may have narrowed or
/// removed it since the user logged in). A `resource` (RFC 8707 §2.2) may only name the grant's
/// API: any other is `invalid_target`, and the presented token stays unrotated and usable.
///
/// A public client's refresh token issued with a DPoP proof is bound to that key (RFC 9449 §5)
/// and refreshes only with a proof signed by it (see ``DPoPRefreshBinding``); the new access token
/// is bound to whatever proof the refresh carries, a confidential client's included.
struct RefreshTokenGrant: GrantHandler {
    let store: any GrantStore
    let refreshTokens: any RefreshTokenStore
    let apis: any APIStore
    let clientGrants: any ClientGrantStore
    let issuer: TokenIssuer
    let clock: WallClock

    var grantType: GrantType { .refreshToken }

    func respond(to request: TokenRequest, client: Client, proof: DPoPProof?, audit: RequestAudit) async throws -> TokenResponse {
        guard let refreshToken = request.refreshToken else {
            throw OAuthError(.invalidRequest, "The request is missing the 'refresh_token' parameter.")
        }
        let resource = try ResourceIndicator.redeemed(by: request)
        let hash = SecretHash(of: refreshToken)
        // Read outside the transaction: a token's client and binding never change once written.
        let stored = try await refreshTokens.refreshToken(hash: hash).flatMap { $0.grant.clientID == client.id ? $0 : nil }
        if let stored { try DPoPRefreshBinding.check(stored.token, proof: proof) }
        let permitted = try await permittedScope(of: stored?.grant, client: client)
        let now = clock.now()
        let issuer = self.issuer
        let redemption = try await store.transaction { transaction -> Redemption in
            let record: RefreshTokenRecord
            let found: GrantWithUser
            switch try await transaction.rotateRefreshToken(hash: hash, at: now) {
            case .unknown:
                return .refused(OAuthError(.invalidGrant, "The refresh token is invalid."))
            case .rotated(let token, let grant):
                (record, found) = (token, grant)
            case .alreadyRotated(let token, let grant):
                guard try await Self.isGracedRetry(of: token, grant: grant.grant, now: now, graceSeconds: issuer.configuration.refreshGraceSeconds,
                                                   transaction: transaction)
                else {
                    // A rotated-out token used again means it leaked: revoke the family (RFC 9700 §4.14.2).
                    try await transaction.revokeGrant(id: grant.grant.id, at: now)
                    return .refused(OAuthError(.invalidGrant, "The refresh token has already been used or revoked; every token of its grant has been revoked."),
                                    reused: grant.grant)
                }
                (record, found) = (token, grant)
            }
            // Thrown: the transaction rolls back and the token stays as it was.
            let grant = found.grant
            guard grant.clientID == client.id else {
                throw OAuthError(.invalidGrant, "The refresh token was issued to another client.")
            }
            guard grant.revokedAt == nil else {
                throw OAuthError(.invalidGrant, "The refresh token has been revoked.")
            }
            guard now < record.expiresAt else {
                throw OAuthError(.invalidGrant, "The refresh token has expired.")
            }
            try ResourceIndicator.check(resource, isFor: grant)
            // Measured against the grant, not this token: the scope the user granted (RFC 6749 §6).
            let scope = request.scope ?? grant.scope
            guard scope.isSubset(of: grant.scope) else {
                throw OAuthError(.invalidScope, "A refresh cannot add scopes the user did not grant.")
            }
            var minted = issuer.mint(under: grant, scope: permitted.map(scope.intersection) ?? scope, client: client, now: now,
                                     dpopThumbprint: proof?.thumbprint)
            minted.records.refreshToken?.parentHash = hash
            // A bound token's successor stays bound to the same key (RFC 9449 §5).
            if let bound = record.dpopThumbprint { minted.records.refreshToken?.dpopThumbprint = bound }
            try await transaction.insert(minted.records, under: grant, at: now)
            return .issued(minted, found)
        }
        if case .refused(_, _, let reused?) = redemption {
            await audit.refreshTokenReused(under: reused, client: client)
        }
        let (minted, found) = try redemption.get()
        let response = try await issuer.response(for: minted, grant: found.grant, user: found.user, client: client, includeNonce: false, now: now)
        await audit.tokensIssued(response, under: found.grant, grantType: grantType, client: client)
        return response
    }

    /// Whether a rotated-out token is the legitimate client's retry (or concurrent twin refresh):
    /// the immediately previous token, rotated no more than `graceSeconds` ago (0 turns the window
    /// off), of a live grant, whose successor is still unused. That successor is superseded then,
    /// so the grant keeps exactly one live refresh token however often the window is used;
    /// presenting the superseded one later is reuse like any other.
    private static func isGracedRetry(of token: RefreshTokenRecord, grant: Grant, now: Int, graceSeconds: Int,
                                      transaction: any GrantTransaction) async throws -> Bool {
        guard graceSeconds > 0, grant.revokedAt == nil, let rotatedAt = token.rotatedAt, rotatedAt >= now - graceSeconds else { return false }
        return try await transaction.supersedeSuccessor(of: token.hash, at: now)
    }

    /// What the client may still get under the token's grant (of this client): nil (no limit beyond
    /// the grant) for a grant without an API; for an API, the identity scopes and what its client
    /// grant allows now.
    /// - Throws: `invalid_grant` when the client is no longer granted the API.
    private func permittedScope(of grant: Grant?, client: Client) async throws -> Scope? {
        guard let grant, let audience = grant.audience else { return nil }
        guard let api = try await apis.api(identifier: audience),
              let allowed = APIAccess(api: api, grant: try await clientGrants.clientGrant(clientID: client.id, apiIdentifier: audience))
                .userPermitted(thirdParty: client.isThirdParty)
        else {
            throw OAuthError(.invalidGrant, "The client is no longer granted access to the API this refresh token is for.")
        }
        return Scope(AuthorizationRequest.supportedScopes.tokens + allowed.tokens)
    }
}
