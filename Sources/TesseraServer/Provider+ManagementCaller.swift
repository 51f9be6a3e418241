public import Hummingbird
public import TesseraCore

/// Who calls the management API: the machine client a token for ``Provider/managementAudience``
/// was issued to, the permissions it carries, and the address it called from (as
/// ``ClientAddressResolver`` finds it), which the audit trail records with each change it makes.
public struct ManagementCaller: Sendable, Equatable {
    public let clientID: String
    public let scope: Scope
    public let ipAddress: String?

    /// The refusal when the token lacks `permission`: 403 `insufficient_scope` naming it.
    public func require(_ permission: String) throws(OAuthError) {
        guard scope.contains(permission) else {
            throw OAuthError(.insufficientScope, "Insufficient scope, expected: \(permission).", status: 403)
        }
    }
}

extension Provider {
    /// Authenticates a management API request by its `Authorization: Bearer` access token, with
    /// the same check `/userinfo` makes (``ActiveAccessToken``), plus its audience.
    ///
    /// DPoP-bound tokens are refused here: the management API takes Bearer tokens only, so a
    /// machine client asks for one without a DPoP proof. A token sent as `DPoP` is refused as
    /// such, and a bound token sent as `Bearer` is refused by ``ResourceDPoPCheck``'s rule.
    ///
    /// - Returns: nil when the request carries no token at all (RFC 6750 §3.1: a bare challenge).
    /// - Throws: ``OAuthError`` `invalid_token` (401) for a token that is malformed, unknown,
    ///   expired, revoked, an id_token, a user's, for another audience, or DPoP-bound; the store's error
    ///   when it cannot be reached.
    public func managementCaller(of request: Request, context: ProviderRequestContext) async throws -> ManagementCaller? {
        if BearerToken.inHeader(of: request, scheme: "DPoP") != nil {
            throw OAuthError(.invalidToken, "The management API accepts Bearer tokens only: request a token without a DPoP proof.")
        }
        guard let token = BearerToken.inHeader(of: request) else {
            guard request.headers[.authorization] == nil else {
                throw OAuthError(.invalidToken, "The Authorization header must be 'Bearer <access token>'.")
            }
            return nil
        }
        let record = try await ActiveAccessToken.record(of: token, accessTokens: store, keyRing: keyRing, clock: clock)
        guard record.dpopThumbprint == nil else {
            throw OAuthError(.invalidToken, "The management API accepts Bearer tokens only; this one is DPoP-bound.")
        }
        guard record.audience == managementAudience else {
            throw OAuthError(.invalidToken, "The access token is not for the audience \(managementAudience).")
        }
        // A user's token for this audience (a login at a client that holds the grant) would lend
        // the client's administrative permissions to whoever logs in there: machine tokens only.
        guard record.grant.userID == nil else {
            throw OAuthError(.invalidToken, "The management API accepts machine tokens (client_credentials) only, not a user's.")
        }
        let address = ClientAddressResolver(trustedProxies: configuration.trustedProxies)
            .clientAddress(peer: context.peerAddress, headers: request.headers)
        return ManagementCaller(clientID: record.grant.clientID, scope: record.scope, ipAddress: address?.description)
    }
}
