import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `GET|POST /userinfo` (OpenID Connect Core §5.3) behind a Bearer access token (RFC 6750), in
/// the Authorization header or, for a POST, a form body (§2.2) — or, for a DPoP-bound token,
/// `Authorization: DPoP` with a proof of its key (RFC 9449 §7, ``ResourceDPoPCheck``).
///
/// No token: 401 with a bare `Bearer` challenge (and `DPoP algs=…`). A bad, expired or revoked
/// token: 401 with `error="invalid_token"`. A token without `openid`: 403 `insufficient_scope`.
/// A token sent two ways at once: 400 `invalid_request`. A DPoP request's errors come in a `DPoP`
/// challenge, a bad proof as 401 `invalid_dpop_proof`. The claims are those of the token's scope
/// and those the grant's `claims` parameter asked for at userinfo (§5.5).
struct UserInfoEndpoint: Sendable {
    let accessTokens: any AccessTokenStore
    let users: any UserStore
    let keyRing: KeyRing
    let clock: WallClock
    let maxBodyBytes: Int
    let dpop: ResourceDPoPCheck

    /// With server nonces on, every answer carries the current `DPoP-Nonce` (RFC 9449 §9), as the
    /// token endpoint's do.
    func respond(to request: Request, context: some RequestContext) async -> Response {
        dpop.proofs.withNonce(await answer(request, context: context))
    }

    private func answer(_ request: Request, context: some RequestContext) async -> Response {
        var scheme = PresentedAccessToken.Scheme.bearer
        do {
            guard let presented = try await PresentedAccessToken.find(in: request, limit: maxBodyBytes) else {
                return OAuthError(.invalidToken, "An access token is required: send 'Authorization: Bearer <token>' (or 'Authorization: DPoP <token>' with a DPoP proof).")
                    .response(challenge: #"Bearer realm="tessera""#).adding(challenge: OAuthError.dpopChallenge(algorithms: dpop.algorithms))
            }
            scheme = presented.scheme
            let record = try await ActiveAccessToken.record(of: presented.token, accessTokens: accessTokens, keyRing: keyRing, clock: clock)
            try await dpop.check(presented, boundTo: record.dpopThumbprint, in: request)
            guard record.scope.contains("openid") else {
                throw OAuthError(.insufficientScope, "The access token was not granted the 'openid' scope.")
            }
            guard let userID = record.grant.userID, let user = try await users.user(id: userID) else {
                throw OAuthError(.invalidToken, "The access token does not belong to a user.")
            }
            let claims = UserClaims(user: user, scope: record.scope, requested: (record.grant.claims?.userinfo ?? [:]).keys)
            return .json(bytes: try claims.jsonBytes, noStore: true)
        } catch let error as OAuthError {
            return refusal(error, scheme: scheme)
        } catch {
            context.logger.error("userinfo failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return OAuthError(.serverError, "The request could not be completed; try again.").response()
        }
    }

    /// The refusal in the scheme the token came in (RFC 6750 §3, RFC 9449 §7.1). A proof's errors
    /// are 401 here, as for any credential a resource refuses (the token endpoint answers 400).
    private func refusal(_ error: OAuthError, scheme: PresentedAccessToken.Scheme) -> Response {
        switch scheme {
        case .bearer:
            let response = error.response(challenge: error.bearerChallenge)
            return error.status == 401 ? response.adding(challenge: OAuthError.dpopChallenge(algorithms: dpop.algorithms)) : response
        case .dpop:
            var error = error
            if error.code == .invalidDPoPProof || error.code == .useDPoPNonce { error.status = 401 }
            return error.response(challenge: error.dpopChallenge(algorithms: dpop.algorithms))
        }
    }
}
