import TesseraCore
import TesseraServer

/// A client in Auth0's field names. `app_type` and `token_endpoint_auth_method` say what kind of
/// client it is: a public client (no secret, PKCE) is Auth0's `spa` with `none`; a client that only
/// uses client_credentials is a machine (`non_interactive`); the rest are `regular_web`. Tessera
/// accepts both secret methods from every confidential client; `client_secret_post` is reported.
extension Components.Schemas.Client {
    /// - Parameter secret: only in the answers to create and rotate-secret, shown this once.
    init(_ client: Client, secret: Secret? = nil) {
        self.init(
            clientId: client.id,
            name: client.name,
            appType: client.isPublic ? .spa : client.grantTypes == [.clientCredentials] ? .nonInteractive : .regularWeb,
            callbacks: client.redirectURIs,
            allowedLogoutUrls: client.postLogoutRedirectURIs,
            grantTypes: client.grantTypes.map(\.rawValue),
            isFirstParty: !client.isThirdParty,
            tokenEndpointAuthMethod: client.isPublic ? Components.Schemas.Client.TokenEndpointAuthMethodPayload.none : .clientSecretPost,
            requirePushedAuthorizationRequests: client.requiresPushedAuthorization,
            requireProofOfPossession: client.requiresDPoP,
            clientSecret: secret?.unredacted)
    }
}

extension Components.Schemas.ClientCreate {
    /// The registration this body asks for; the administration layer checks it.
    var registration: ClientRegistration {
        let isPublic = appType == .spa || tokenEndpointAuthMethod == Components.Schemas.ClientCreate.TokenEndpointAuthMethodPayload.none
        let defaultGrants: [GrantType] = appType == .nonInteractive ? [.clientCredentials] : [.authorizationCode, .refreshToken]
        var registration = ClientRegistration(
            name: name,
            redirectURIs: callbacks ?? [],
            postLogoutRedirectURIs: allowedLogoutUrls ?? [],
            isPublic: isPublic,
            grantTypes: grantTypes.map { $0.map(GrantType.init(rawValue:)) } ?? defaultGrants,
            requiresPushedAuthorization: requirePushedAuthorizationRequests ?? false)
        registration.isThirdParty = isFirstParty.map { !$0 } ?? false
        registration.requiresDPoP = requireProofOfPossession ?? false
        return registration
    }
}

extension Components.Schemas.ClientUpdate {
    /// The change this body asks for; absent fields stay as they are.
    var update: ClientUpdate {
        var update = ClientUpdate(requiresPushedAuthorization: requirePushedAuthorizationRequests, requiresDPoP: requireProofOfPossession)
        update.name = name
        update.redirectURIs = callbacks
        update.postLogoutRedirectURIs = allowedLogoutUrls
        update.grantTypes = grantTypes?.map(GrantType.init(rawValue:))
        update.isThirdParty = isFirstParty.map { !$0 }
        return update
    }
}
