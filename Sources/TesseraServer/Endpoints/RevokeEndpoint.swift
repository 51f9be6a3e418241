import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /oauth/revoke` (RFC 7009): a client revokes one of its own tokens.
///
/// Revoking a refresh token revokes its grant, and with it every access and refresh token of the
/// family; revoking an access token revokes that token. The answer is 200 whether or not the token
/// was known (RFC 7009 §2.2), so it tells an attacker nothing.
struct RevokeEndpoint: Sendable {
    let authenticator: ClientAuthenticator
    let refreshTokens: any RefreshTokenStore
    let accessTokens: any AccessTokenStore
    let keyRing: KeyRing
    let clock: WallClock
    let maxBodyBytes: Int
    /// Records `token.revoked` when one of the client's tokens was found and revoked.
    let audit: EndpointAudit

    func respond(to request: Request, context: ProviderRequestContext) async -> Response {
        guard request.method == .post else {
            return OAuthError(.invalidRequest, "The revocation endpoint accepts only POST.", status: 405)
                .response().with(header: .allow, "POST")
        }
        do {
            let parameters = try await OAuthRequestBody.parameters(of: request, limit: maxBodyBytes)
            let client = try await authenticator.authenticate(authorization: request.headers[.authorization], parameters: parameters)
            guard let token = parameters["token"].map(Secret.init) else {
                throw OAuthError(.invalidRequest, "The request is missing the 'token' parameter.")
            }
            let now = clock.now()
            let refreshHash = SecretHash(of: token)
            let accessKey = await AccessTokenKey.of(token, keyRing: keyRing)
            let revokeAccess = { try await accessKey.asyncFlatMap { try await accessTokens.revokeAccessToken(hash: $0, clientID: client.id, at: now) } ?? false }
            let revokeRefresh = { try await refreshTokens.revokeGrant(ofRefreshTokenHash: refreshHash, clientID: client.id, at: now) }
            // The hint only orders the lookups (RFC 7009 §2.1); either kind is revoked.
            let attempts = [("refresh_token", revokeRefresh), ("access_token", revokeAccess)]
            var revoked: String?
            for (kind, revoke) in parameters["token_type_hint"] == "access_token" ? attempts.reversed() : attempts {
                if try await revoke() {
                    revoked = kind
                    break
                }
            }
            if let revoked {
                // Read back only for the log, once revoked: whose token it was.
                let grant: Grant?
                if revoked == "refresh_token" {
                    grant = try await refreshTokens.refreshToken(hash: refreshHash)?.grant
                } else {
                    grant = try await accessKey.asyncFlatMap { try await accessTokens.accessToken(hash: $0) }?.grant
                }
                await audit.request(request, context: context).tokenRevoked(kind: revoked, of: grant, client: client)
            }
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        } catch {
            return OAuthFailureResponse.response(for: error, operation: "revocation", logger: context.logger)
        }
    }
}
