import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `GET|POST /userinfo` (OpenID Connect Core §5.3) behind a Bearer access token (RFC 6750).
///
/// No token: 401 with a bare `Bearer` challenge. A bad, expired or revoked token: 401 with
/// `error="invalid_token"`. A token without `openid`: 403 `insufficient_scope`.
struct UserInfoEndpoint: Sendable {
    let accessTokens: any AccessTokenStore
    let users: any UserStore
    let keyRing: KeyRing
    let clock: WallClock

    func respond(to request: Request, context: some RequestContext) async -> Response {
        guard let token = Self.bearerToken(in: request) else {
            return OAuthError(.invalidToken, "An access token is required: send 'Authorization: Bearer <token>'.")
                .response(challenge: #"Bearer realm="tessera""#)
        }
        do {
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
            return .json(UserClaims(user: user, scope: record.scope))
        } catch let error as OAuthError {
            return error.response(challenge: error.bearerChallenge)
        } catch {
            context.logger.error("userinfo failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return OAuthError(.serverError, "The request could not be completed; try again.").response()
        }
    }

    /// The token of an `Authorization: Bearer` header (RFC 6750 §2.1).
    static func bearerToken(in request: Request) -> Secret? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : Secret(token)
    }
}
