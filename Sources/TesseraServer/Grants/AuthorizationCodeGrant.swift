import TesseraCore

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6): the seed's exchange.
///
/// The code is consumed atomically before anything else is checked, so however many requests
/// race with one code, only one can ever get tokens; every later attempt revokes what it issued.
///
/// A `resource` (RFC 8707 §2.2) may only name the API the user authorized. Another one is
/// `invalid_target` and, like a wrong `redirect_uri` or PKCE verifier, burns the code: it was
/// consumed first, and a code is good for one attempt (RFC 6749 §4.1.2). Only a `resource` the
/// request itself gets wrong (several, not an absolute URI) is refused before the code is touched.
/// A code bound to a DPoP key (`dpop_jkt`, RFC 9449 §10) burns the same way without a proof of it.
struct AuthorizationCodeGrant: GrantHandler {
    let store: any GrantStore
    let issuer: TokenIssuer
    let clock: WallClock

    var grantType: GrantType { .authorizationCode }

    func respond(to request: TokenRequest, client: Client, proof: DPoPProof?, audit: RequestAudit) async throws -> TokenResponse {
        guard let code = request.code else {
            throw OAuthError(.invalidRequest, "The request is missing the 'code' parameter.")
        }
        // A malformed `resource` is refused before the code is touched: the request, not the code, is wrong.
        let resource = try ResourceIndicator.redeemed(by: request)
        let now = clock.now()
        let issuer = self.issuer
        // Each step stands on its own: the consumption is final however the rest goes.
        let redemption = try await store.autocommit { operations -> Redemption in
            switch try await operations.consumeCode(hash: SecretHash(of: code), at: now) {
            case .unknown:
                return .refused(OAuthError(.invalidGrant, "The authorization code is invalid."))
            case .alreadyUsed(let grant):
                return .refused(OAuthError(.invalidGrant, "The authorization code has already been used; the tokens issued for it have been revoked."),
                                revoking: grant.id)
            case .consumed(let consumed):
                do throws(OAuthError) {
                    try Self.check(consumed.grant, against: request, client: client, now: now)
                    try DPoPCodeBinding.check(consumed.grant, proof: proof)
                    // Like a wrong redirect_uri: checked against the consumed grant, so it burns the code.
                    try ResourceIndicator.check(resource, isFor: consumed.grant)
                } catch {
                    // Returned, not thrown: the code stays consumed, a failed attempt burns it.
                    return .refused(error)
                }
                let minted = issuer.mint(under: consumed.grant, scope: consumed.grant.scope, client: client, now: now,
                                         dpopThumbprint: proof?.thumbprint)
                try await operations.insert(minted.records, under: consumed.grant, at: now)
                return .issued(minted, consumed)
            }
        }
        if case .refused(_, let revoking?, _) = redemption {
            // Seen before: revoke all it issued (RFC 6749 §4.1.2), with its back-channel logouts.
            try await store.transaction { try await $0.revokeGrant(id: revoking, at: now) }
        }
        let (minted, consumed) = try redemption.get()
        let response = try await issuer.response(for: minted, grant: consumed.grant, user: consumed.user, client: client, includeNonce: true, now: now)
        await audit.tokensIssued(response, under: consumed.grant, grantType: grantType, client: client)
        return response
    }

    /// Everything RFC 6749 §4.1.3 and RFC 7636 §4.6 ask of a consumed code.
    static func check(_ grant: Grant, against request: TokenRequest, client: Client, now: Int) throws(OAuthError) {
        guard grant.clientID == client.id else {
            throw OAuthError(.invalidGrant, "The authorization code was issued to another client.")
        }
        guard let expiresAt = grant.codeExpiresAt, now < expiresAt else {
            throw OAuthError(.invalidGrant, "The authorization code has expired.")
        }
        guard request.redirectURI == grant.redirectURI else {
            throw OAuthError(.invalidGrant, request.redirectURI == nil
                ? "The request is missing the 'redirect_uri' the authorization request used."
                : "The redirect_uri does not match the one in the authorization request.")
        }
        switch (grant.codeChallenge, request.codeVerifier) {
        case (nil, nil):
            return
        case (nil, .some):
            // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
            throw OAuthError(.invalidGrant, "A code_verifier was sent, but the authorization request had no code_challenge.")
        case (.some, nil):
            throw OAuthError(.invalidGrant, "The request is missing the 'code_verifier' for this code's PKCE challenge.")
        case (.some(let challenge), .some(let verifier)):
            guard PKCE.isSatisfied(by: verifier, challenge: challenge) else {
                throw OAuthError(.invalidGrant, "The code_verifier does not match the code_challenge.")
            }
        }
    }
}
