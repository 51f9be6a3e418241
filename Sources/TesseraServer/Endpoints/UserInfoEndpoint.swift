import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `GET|POST /userinfo` (OpenID Connect Core §5.3) behind a Bearer access token (RFC 6750), in
/// the Authorization header or, for a POST, a form body (§2.2).
///
/// No token: 401 with a bare `Bearer` challenge. A bad, expired or revoked token: 401 with
/// `error="invalid_token"`. A token without `openid`: 403 `insufficient_scope`. A token sent two
/// ways at once: 400 `invalid_request`. The claims are those of the token's scope and those the
/// grant's `claims` parameter asked for at userinfo (§5.5).
struct UserInfoEndpoint: Sendable {
    let accessTokens: any AccessTokenStore
    let users: any UserStore
    let keyRing: KeyRing
    let clock: WallClock
    let maxBodyBytes: Int

    func respond(to request: Request, context: some RequestContext) async -> Response {
        do {
            guard let token = try await BearerToken.find(in: request, limit: maxBodyBytes) else {
                return OAuthError(.invalidToken, "An access token is required: send 'Authorization: Bearer <token>'.")
                    .response(challenge: #"Bearer realm="tessera""#)
            }
            guard let key = await AccessTokenKey.of(token, keyRing: keyRing),
                  let record = try await accessTokens.accessToken(hash: key), record.isActive(at: clock.now())
            else {
                throw OAuthError(.invalidToken, "The access token is invalid, expired or revoked.")
            }
            guard record.scope.contains("openid") else {
                throw OAuthError(.insufficientScope, "The access token was not granted the 'openid' scope.")
            }
            guard let userID = record.grant.userID, let user = try await users.user(id: userID) else {
                throw OAuthError(.invalidToken, "The access token does not belong to a user.")
            }
            let claims = UserClaims(user: user, scope: record.scope, requested: (record.grant.claims?.userinfo ?? [:]).keys)
            return .json(bytes: try claims.jsonBytes, noStore: true)
        } catch let error as OAuthError {
            return error.response(challenge: error.bearerChallenge)
        } catch {
            context.logger.error("userinfo failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return OAuthError(.serverError, "The request could not be completed; try again.").response()
        }
    }
}
