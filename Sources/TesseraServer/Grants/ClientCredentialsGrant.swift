import TesseraCore

/// `grant_type=client_credentials` (RFC 6749 §4.4), as Auth0 has it: a machine client asks for an
/// access token to a registered API, named by `audience` or RFC 8707's `resource` (the same rules,
/// ``ResourceIndicator``), and gets an RFC 9068 JWT for it.
///
/// Deny by default: only a client an administrator granted the API (a ``ClientGrant``) gets a
/// token, carrying what it asked for and was granted, or every granted permission when it asked
/// for none (see ``APIAccess``). No refresh token and no id_token: there is no user.
struct ClientCredentialsGrant: GrantHandler {
    let apis: any APIStore
    let clientGrants: any ClientGrantStore
    let store: any GrantStore
    let issuer: TokenIssuer
    let clock: WallClock

    var grantType: GrantType { .clientCredentials }

    func respond(to request: TokenRequest, client: Client, proof: DPoPProof?, audit: RequestAudit) async throws -> TokenResponse {
        guard !client.isPublic else {
            throw OAuthError(.unauthorizedClient, "A public client cannot use client_credentials.")
        }
        guard let api = try await ResourceIndicator.api(audience: request.audience, resources: request.resources, in: apis) else {
            throw OAuthError(.invalidRequest, "The request is missing the 'audience' (or RFC 8707 'resource') parameter: the API the token is for.")
        }
        let access = APIAccess(api: api, grant: try await clientGrants.clientGrant(clientID: client.id, apiIdentifier: api.identifier))
        let scope = try access.machineScope(asked: request.scope)
        let now = clock.now()
        let grant = Grant(
            id: Secret.random(byteCount: 16).unredacted,
            clientID: client.id,
            userID: nil,
            scope: scope,
            audience: api.identifier,
            createdAt: now,
            expiresAt: now + issuer.configuration.accessTokenLifetime
        )
        let minted = issuer.mint(under: grant, scope: scope, client: client, now: now, dpopThumbprint: proof?.thumbprint)
        try await store.transaction { transaction in
            try await transaction.insert(grant)
            try await transaction.insert(minted.records, under: grant, at: now)
        }
        let response = try await issuer.response(for: minted, grant: grant, user: nil, client: client, includeNonce: false, now: now)
        await audit.tokensIssued(response, under: grant, grantType: grantType, client: client)
        return response
    }
}
