import TesseraCore

/// Mints the tokens of a successful token request.
///
/// In two steps, so the database transaction stays short: ``mint(under:scope:client:now:)`` makes
/// the random tokens and the rows to store (inside the transaction that consumes the code or the
/// refresh token), and ``response(for:grant:client:includeNonce:now:)`` signs the JWTs after the
/// commit — RSA signing is the most expensive step and must not hold the write lock. The user
/// comes with the grant, read by the statement that consumed the code or the refresh token.
///
/// The access token is opaque unless the grant names an API (`audience`): then it is an RFC 9068
/// JWT for that API. A request that carried a DPoP proof gets a DPoP-bound access token (RFC 9449
/// §5): its row records the key's thumbprint, a JWT carries it as `cnf.jkt`, and the response
/// says `token_type: DPoP`.
struct TokenIssuer: Sendable {
    let configuration: ProviderConfiguration
    let keyRing: KeyRing

    /// Fresh tokens and the rows that will record them.
    struct Minted: Sendable {
        /// The access token when opaque; `nil` when it is a JWT still to be signed.
        let opaqueAccessToken: Secret?
        /// The `jti` of the JWT access token still to be signed.
        let accessTokenID: String
        let refreshToken: Secret?
        let scope: Scope
        let issuedAt: Int
        var records: IssuedTokens
    }

    /// Random tokens for `grant`: an access token for `scope`, and a refresh token only when
    /// `offline_access` was granted and the client may refresh.
    ///
    /// The refresh token always carries the grant's whole scope, however narrow the access token
    /// asked for (RFC 6749 §6): narrowing one refresh must not lose the rest of the grant.
    ///
    /// - Parameter dpopThumbprint: the thumbprint of the key the request's DPoP proof was signed
    ///   with. The access token is bound to it; so is the refresh token of a public client (RFC
    ///   9449 §5), which has no credential of its own to prove it is the token's holder. A
    ///   confidential client's refresh token stays unbound: the client authenticates to use it.
    func mint(under grant: Grant, scope: Scope, client: Client, now: Int, dpopThumbprint: String? = nil) -> Minted {
        let opaque = grant.audience == nil ? Secret.random() : nil
        let accessTokenID = Secret.random(byteCount: 16).unredacted
        let refreshToken = grant.scope.contains("offline_access") && client.allows(.refreshToken) ? Secret.random() : nil
        let records = IssuedTokens(
            accessToken: .init(hash: opaque.map(AccessTokenKey.forOpaque) ?? AccessTokenKey.forJWT(id: accessTokenID),
                               scope: scope.description, audience: grant.audience,
                               expiresAt: now + configuration.accessTokenLifetime, dpopThumbprint: dpopThumbprint),
            refreshToken: refreshToken.map {
                .init(hash: SecretHash(of: $0), scope: grant.scope.description, expiresAt: now + configuration.refreshTokenLifetime, parentHash: nil,
                      dpopThumbprint: client.isPublic ? dpopThumbprint : nil)
            }
        )
        return Minted(opaqueAccessToken: opaque, accessTokenID: accessTokenID, refreshToken: refreshToken, scope: scope,
                      issuedAt: now, records: records)
    }

    /// The seed's JSON response for what a grant handler minted inside its transaction, with an
    /// id_token when `openid` was granted and the grant has a user.
    /// - Parameter includeNonce: true for the code exchange; a refreshed id_token carries no nonce
    ///   (OpenID Connect Core §12.2).
    func response(for minted: Minted, grant: Grant, user: User?, client: Client, includeNonce: Bool, now: Int) async throws -> TokenResponse {
        let accessToken: Secret
        if let opaque = minted.opaqueAccessToken {
            accessToken = opaque
        } else {
            accessToken = try await signedAccessToken(minted, grant: grant)
        }
        var idToken: Secret?
        if minted.scope.contains("openid"), let user {
            let algorithm = SigningAlgorithm(rawValue: client.idTokenAlgorithm) ?? .rs256
            let claims = IDTokenClaims(
                iss: configuration.issuer,
                sub: user.id,
                aud: client.id,
                exp: now + configuration.idTokenLifetime,
                iat: now,
                authTime: grant.authTime,
                nonce: includeNonce ? grant.nonce : nil,
                atHash: AccessTokenHash.compute(for: accessToken, algorithm: algorithm.rawValue),
                sid: grant.sid
            )
            // The user's claims: the scope's, and those the `claims` parameter asked for in the id_token.
            let profile = UserClaims(user: user, scope: minted.scope, requested: (grant.claims?.idToken ?? [:]).keys)
            idToken = Secret(try keyRing.sign(IDTokenPayload(claims: claims, user: profile), algorithm: algorithm))
        }
        return TokenResponse(
            accessToken: accessToken,
            idToken: idToken,
            scope: minted.scope,
            expiresIn: configuration.accessTokenLifetime,
            tokenType: minted.records.accessToken.dpopThumbprint == nil ? "Bearer" : "DPoP",
            refreshToken: minted.refreshToken
        )
    }

    /// The RFC 9068 JWT access token of a grant that names an API.
    private func signedAccessToken(_ minted: Minted, grant: Grant) async throws -> Secret {
        guard let audience = grant.audience else { throw OAuthError(.serverError, "The access token could not be issued.") }
        let claims = AccessTokenClaims(
            iss: configuration.issuer,
            sub: grant.userID ?? grant.clientID,
            aud: minted.scope.contains("openid") ? [audience, configuration.url("/userinfo")] : [audience],
            exp: minted.records.accessToken.expiresAt,
            iat: minted.issuedAt,
            jti: minted.accessTokenID,
            clientID: grant.clientID,
            scope: minted.scope.isEmpty ? nil : minted.scope.description,
            authTime: grant.authTime,
            cnf: minted.records.accessToken.dpopThumbprint.map(AccessTokenClaims.Confirmation.init(jkt:))
        )
        return Secret(try keyRing.sign(claims, algorithm: .rs256, type: "at+jwt"))
    }
}
