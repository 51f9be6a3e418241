import TesseraCore

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6): the seed's exchange.
///
/// The code is consumed atomically before anything else is checked, so however many requests
/// race with one code, only one can ever get tokens; every later attempt revokes what it issued.
struct AuthorizationCodeGrant: GrantHandler {
    let codes: any AuthorizationCodeStore
    let issuer: TokenIssuer
    let clock: WallClock

    var grantType: GrantType { .authorizationCode }

    func respond(to request: TokenRequest, client: Client) async throws -> TokenResponse {
        guard let code = request.code else {
            throw OAuthError(.invalidRequest, "The request is missing the 'code' parameter.")
        }
        let now = clock.now()
        let issuer = self.issuer
        let minted = Box<TokenIssuer.Minted>()
        let grant = try await codes.redeemCode(hash: code.sha256Hex, at: now) { grant throws(OAuthError) in
            try Self.check(grant, against: request, client: client, now: now)
            let tokens = issuer.mint(under: grant, scope: grant.scope, client: client, now: now)
            minted.value = tokens
            return tokens.records
        }
        return try await issuer.response(for: minted.value, grant: grant, client: client, includeNonce: true, now: now)
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
