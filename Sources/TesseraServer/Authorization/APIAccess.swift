import TesseraCore

/// Which of an API's permissions a client may put in a token — decided here alone, deny by
/// default (DESIGN.md's authorization model, Auth0's client grants).
///
/// A client gets a token for an API only under a ``ClientGrant`` an administrator made, and then
/// at most the permissions that grant lists: a machine client from the grant alone, a user flow
/// from the grant and what the user's request asked for — or, for a third-party client, from what
/// the user consented to (``userPermitted(thirdParty:)``). Pure, so every case is tested in-process.
///
/// ```swift
/// let access = APIAccess(api: api, grant: try await clientGrants.clientGrant(clientID: client.id, apiIdentifier: api.identifier))
/// let scope = try access.machineScope(asked: request.scope)
/// ```
struct APIAccess: Sendable {
    let api: API
    /// The client's grant for ``api``, if it has one.
    let grant: ClientGrant?

    /// The permissions the client may ever get: its grant's, as far as the API still defines them.
    var permitted: Scope? {
        grant.map { $0.scopes.intersection(api.scopes) }
    }

    /// The scope of a client_credentials token: what was asked and granted, or every granted
    /// permission when nothing was asked.
    /// - Throws: `unauthorized_client` without a grant; `invalid_scope` for a permission the API
    ///   does not define.
    func machineScope(asked: Scope?) throws(OAuthError) -> Scope {
        guard let permitted else {
            throw OAuthError(.unauthorizedClient, "This client is not granted access to the API (an administrator adds one with tessera grants add).")
        }
        guard let asked else { return permitted }
        guard asked.isSubset(of: api.scopes) else {
            throw OAuthError(.invalidScope, "The scope asks for permissions the API does not define.")
        }
        return asked.intersection(permitted)
    }

    /// The permissions a user's token for the API may ever carry. A first-party client is limited
    /// by its grant alone. For a third-party client the user's consent is what authorizes them
    /// (OpenID Connect Core §11; Auth0's and Hydra's consent): without a grant it may ask for any
    /// permission the API defines, the consent page deciding; with one, the grant limits too.
    func userPermitted(thirdParty: Bool) -> Scope? {
        guard thirdParty else { return permitted }
        return permitted ?? api.scopes
    }

    /// The scope of a user's token for the API: the user's identity scopes as asked, plus the
    /// asked API permissions ``userPermitted(thirdParty:)`` allows; anything else is dropped.
    /// - Throws: `access_denied` when a first-party client has no grant for the API.
    func userScope(asked: Scope, identityScopes: Scope, thirdParty: Bool = false) throws(OAuthError) -> Scope {
        guard let allowed = userPermitted(thirdParty: thirdParty) else {
            throw OAuthError(.accessDenied, "This application is not granted access to the API it asked for.")
        }
        return asked.intersection(Scope(identityScopes.tokens + allowed.tokens))
    }
}
