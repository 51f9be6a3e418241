import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /oauth/introspect` (RFC 7662): a resource server asks whether a token is live and what
/// it grants.
///
/// Only an authenticated confidential client may ask (a public client proves nothing about
/// itself), and only about a token it may see (``TokenVisibility``): its own, or an access token
/// for an API it is granted. A token that is unknown, expired, rotated, revoked or someone else's
/// is simply `{"active":false}`, with nothing else that could tell an attacker why.
struct IntrospectEndpoint: Sendable {
    let configuration: ProviderConfiguration
    let authenticator: ClientAuthenticator
    let accessTokens: any AccessTokenStore
    let refreshTokens: any RefreshTokenStore
    let clientGrants: any ClientGrantStore
    let keyRing: KeyRing
    let clock: WallClock

    /// The RFC 7662 §2.2 response.
    struct Introspection: Encodable {
        var active: Bool
        var scope: String?
        var clientID: String?
        var sub: String?
        var exp: Int?
        var iat: Int?
        var aud: String?
        var iss: String?
        var tokenType: String?
        /// RFC 9449 §6.2 (RFC 7800 §3.1): the key a DPoP-bound token is bound to, so a resource
        /// server that introspects can check the proof's key.
        var cnf: Confirmation?

        struct Confirmation: Encodable {
            /// The RFC 7638 thumbprint of the key.
            var jkt: String
        }

        enum CodingKeys: String, CodingKey {
            case active, scope
            case clientID = "client_id"
            case sub, exp, iat, aud, iss
            case tokenType = "token_type"
            case cnf
        }

        static let inactive = Introspection(active: false)
    }

    func respond(to request: Request, context: some RequestContext) async -> Response {
        guard request.method == .post else {
            return OAuthError(.invalidRequest, "The introspection endpoint accepts only POST.", status: 405)
                .response().with(header: .allow, "POST")
        }
        do {
            let parameters = try await OAuthRequestBody.parameters(of: request, limit: configuration.maxBodyBytes)
            let caller = try await authenticator.authenticate(authorization: request.headers[.authorization], parameters: parameters)
            guard !caller.isPublic else {
                throw ClientAuthenticator.Failure(
                    error: OAuthError(.invalidClient, "Introspection requires a confidential client's credentials."), triedBasic: false)
            }
            guard let token = parameters["token"].map(Secret.init) else {
                throw OAuthError(.invalidRequest, "The request is missing the 'token' parameter.")
            }
            let hint = parameters["token_type_hint"]
            let lookups = hint == "refresh_token" ? [refreshIntrospection, accessIntrospection] : [accessIntrospection, refreshIntrospection]
            for lookup in lookups {
                if let found = try await lookup(token, caller) {
                    return .json(found)
                }
            }
            return .json(Introspection.inactive)
        } catch {
            return OAuthFailureResponse.response(for: error, operation: "introspection", logger: context.logger)
        }
    }

    private func accessIntrospection(_ token: Secret, caller: Client) async throws -> Introspection? {
        guard let key = await AccessTokenKey.of(token, keyRing: keyRing),
              let record = try await accessTokens.accessToken(hash: key)
        else { return nil }
        let callerGrant = try await record.audience.asyncFlatMap {
            try await clientGrants.clientGrant(clientID: caller.id, apiIdentifier: $0)
        }
        guard TokenVisibility.mayIntrospectAccessToken(record, caller: caller, callerGrant: callerGrant),
              record.isActive(at: clock.now())
        else { return .inactive }
        return Introspection(
            active: true, scope: record.scope.description, clientID: record.grant.clientID,
            sub: record.grant.userID ?? record.grant.clientID, exp: record.expiresAt, iat: record.createdAt,
            aud: record.audience ?? record.grant.clientID, iss: configuration.issuer,
            // RFC 9449 §6.2: a bound token is a DPoP token, and says which key it is bound to.
            tokenType: record.dpopThumbprint == nil ? "Bearer" : "DPoP", cnf: record.dpopThumbprint.map { Introspection.Confirmation(jkt: $0) })
    }

    private func refreshIntrospection(_ presented: Secret, caller: Client) async throws -> Introspection? {
        guard let (token, grant) = try await refreshTokens.refreshToken(hash: SecretHash(of: presented)) else { return nil }
        guard TokenVisibility.mayIntrospectRefreshToken(of: grant, caller: caller),
              token.isActive(at: clock.now(), grant: grant)
        else { return .inactive }
        return Introspection(
            active: true, scope: token.scope.description, clientID: grant.clientID, sub: grant.userID ?? grant.clientID,
            exp: token.expiresAt, iat: token.createdAt, aud: grant.clientID, iss: configuration.issuer, tokenType: "refresh_token")
    }
}
