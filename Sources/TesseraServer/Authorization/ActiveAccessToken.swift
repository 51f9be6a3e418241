import TesseraCore

/// The one check of an access token presented to a resource of the provider's own (`/userinfo`,
/// the management API): signed by this provider's key ring when it is a JWT — an id_token or a
/// token of another issuer has no row, so it is refused —, recorded, unexpired and not revoked.
enum ActiveAccessToken {
    /// The token's record.
    /// - Throws: ``OAuthError`` `invalid_token` when it is unknown, expired or revoked; the store's
    ///   error when it cannot be reached.
    static func record(of token: Secret, accessTokens: any AccessTokenStore, keyRing: KeyRing, clock: WallClock) async throws -> AccessTokenRecord {
        guard let key = await AccessTokenKey.of(token, keyRing: keyRing),
              let record = try await accessTokens.accessToken(hash: key), record.isActive(at: clock.now())
        else {
            throw OAuthError(.invalidToken, "The access token is invalid, expired or revoked.")
        }
        return record
    }
}
