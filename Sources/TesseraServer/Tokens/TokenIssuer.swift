import TesseraCore

/// Mints the tokens of a successful token request.
///
/// In two steps, so the database transaction stays short: ``mint(under:scope:client:now:)`` makes
/// the random tokens and the rows to store (inside the transaction that consumes the code or the
/// refresh token), and ``response(for:grant:client:user:includeNonce:now:)`` signs the id_token
/// after the commit — RSA signing is the most expensive step and must not hold the write lock.
struct TokenIssuer: Sendable {
    let configuration: ProviderConfiguration
    let keyRing: KeyRing
    let users: any UserStore

    /// Fresh tokens and the rows that will record them.
    struct Minted: Sendable {
        let accessToken: Secret
        let refreshToken: Secret?
        let scope: Scope
        let records: IssuedTokens
    }

    /// Opaque random tokens for `grant`, with a refresh token only when `offline_access` was
    /// granted and the client may refresh.
    func mint(under grant: Grant, scope: Scope, client: Client, now: Int) -> Minted {
        let accessToken = Secret.random()
        let refreshToken = scope.contains("offline_access") && client.allows(.refreshToken) ? Secret.random() : nil
        let records = IssuedTokens(
            accessToken: .init(hash: accessToken.sha256Hex, scope: scope.description, audience: grant.audience,
                               expiresAt: now + configuration.accessTokenLifetime),
            refreshToken: refreshToken.map {
                .init(hash: $0.sha256Hex, scope: scope.description, expiresAt: now + configuration.refreshTokenLifetime)
            }
        )
        return Minted(accessToken: accessToken, refreshToken: refreshToken, scope: scope, records: records)
    }

    /// The seed's JSON response for what a grant handler minted inside its transaction, with an
    /// id_token when `openid` was granted.
    /// - Parameter includeNonce: true for the code exchange; a refreshed id_token carries no nonce
    ///   (OpenID Connect Core §12.2).
    func response(for minted: Minted?, grant: Grant, client: Client, includeNonce: Bool, now: Int) async throws -> TokenResponse {
        guard let minted else {
            throw OAuthError(.serverError, "The tokens could not be issued.")
        }
        let user = try await grant.userID.asyncFlatMap { try await users.user(id: $0) }
        var idToken: Secret?
        if minted.scope.contains("openid"), let user {
            let algorithm = SigningAlgorithm(rawValue: client.idTokenAlgorithm) ?? .rs256
            let profile = UserClaims(user: user, scope: minted.scope)
            let claims = IDTokenClaims(
                iss: configuration.issuer,
                sub: user.id,
                aud: client.id,
                exp: now + configuration.idTokenLifetime,
                iat: now,
                authTime: grant.authTime,
                nonce: includeNonce ? grant.nonce : nil,
                atHash: AccessTokenHash.compute(for: minted.accessToken, algorithm: algorithm.rawValue),
                sid: grant.sid,
                email: profile.email,
                emailVerified: profile.emailVerified,
                name: profile.name
            )
            idToken = Secret(try await keyRing.sign(claims, algorithm: algorithm))
        }
        return TokenResponse(
            accessToken: minted.accessToken,
            idToken: idToken,
            scope: minted.scope,
            expiresIn: configuration.accessTokenLifetime,
            tokenType: "Bearer",
            refreshToken: minted.refreshToken
        )
    }
}
