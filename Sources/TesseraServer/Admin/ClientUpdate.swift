public import TesseraCore

/// What `tessera clients update` and the management API's `PATCH /api/v2/clients/{id}` change on
/// a registered client. A nil field is left as it is, so one command can change one setting
/// without restating the others; all the changes given are checked against the whole client they
/// make (``ClientRegistration/validate()``) and written together or not at all.
///
/// ```swift
/// try await provider.administration.updateClient(clientID: id, ClientUpdate(name: "Orders", requiresDPoP: true))
/// ```
public struct ClientUpdate: Sendable, Equatable {
    /// OpenID Connect Back-Channel Logout 1.0: where logout tokens go, or nowhere.
    public enum BackchannelLogout: Sendable, Equatable {
        case on(uri: String, sessionRequired: Bool)
        case off
    }

    public var name: String?
    public var redirectURIs: [String]?
    public var postLogoutRedirectURIs: [String]?
    public var grantTypes: [GrantType]?
    public var idTokenAlgorithm: SigningAlgorithm?
    /// Whether users are asked for consent (see ``Client/isThirdParty``).
    public var isThirdParty: Bool?
    public var backchannelLogout: BackchannelLogout?
    /// RFC 9126 §5 (`require_pushed_authorization_requests` per client): whether /authorize
    /// accepts this client's requests only by `request_uri` from the PAR endpoint.
    public var requiresPushedAuthorization: Bool?
    /// RFC 9449 §5.2 (`dpop_bound_access_tokens` per client): whether every token request of
    /// this client must carry a DPoP proof.
    public var requiresDPoP: Bool?

    public init(
        name: String? = nil, redirectURIs: [String]? = nil, postLogoutRedirectURIs: [String]? = nil,
        grantTypes: [GrantType]? = nil, idTokenAlgorithm: SigningAlgorithm? = nil, isThirdParty: Bool? = nil,
        backchannelLogout: BackchannelLogout? = nil, requiresPushedAuthorization: Bool? = nil, requiresDPoP: Bool? = nil
    ) {
        self.name = name
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.grantTypes = grantTypes
        self.idTokenAlgorithm = idTokenAlgorithm
        self.isThirdParty = isThirdParty
        self.backchannelLogout = backchannelLogout
        self.requiresPushedAuthorization = requiresPushedAuthorization
        self.requiresDPoP = requiresDPoP
    }

    /// The settings this update names, by their RFC 7591 / OpenID metadata names — what an audit
    /// event says changed.
    public var fieldNames: [String] {
        var names: [String] = []
        if name != nil { names.append("client_name") }
        if redirectURIs != nil { names.append("redirect_uris") }
        if postLogoutRedirectURIs != nil { names.append("post_logout_redirect_uris") }
        if grantTypes != nil { names.append("grant_types") }
        if idTokenAlgorithm != nil { names.append("id_token_signed_response_alg") }
        if isThirdParty != nil { names.append("third_party") }
        if backchannelLogout != nil { names.append("backchannel_logout_uri") }
        if requiresPushedAuthorization != nil { names.append("require_pushed_authorization_requests") }
        if requiresDPoP != nil { names.append("dpop_bound_access_tokens") }
        return names
    }

    /// `client` with this update applied, checked whole by the rules of `tessera clients add`.
    /// - Throws: ``RegistrationError`` naming the first rule the result breaks.
    func applied(to client: Client) throws(RegistrationError) -> Client {
        var client = client
        if let name { client.name = name }
        if let redirectURIs { client.redirectURIs = redirectURIs }
        if let postLogoutRedirectURIs { client.postLogoutRedirectURIs = postLogoutRedirectURIs }
        if let grantTypes { client.grantTypes = grantTypes }
        if let idTokenAlgorithm { client.idTokenAlgorithm = idTokenAlgorithm.rawValue }
        if let isThirdParty { client.isThirdParty = isThirdParty }
        switch backchannelLogout {
        case .on(let uri, let sessionRequired)?:
            client.backchannelLogoutURI = uri
            client.backchannelLogoutSessionRequired = sessionRequired
        case .off?:
            client.backchannelLogoutURI = nil
            client.backchannelLogoutSessionRequired = true
        case nil: break
        }
        if let requiresPushedAuthorization { client.requiresPushedAuthorization = requiresPushedAuthorization }
        if let requiresDPoP { client.requiresDPoP = requiresDPoP }
        try ClientRegistration(describing: client).validate()
        return client
    }
}

extension ClientRegistration {
    /// The registration that would make `client` (its id and secret aside), so a changed client is
    /// held to the rules a new one is.
    init(describing client: Client) {
        self.init(name: client.name, redirectURIs: client.redirectURIs, postLogoutRedirectURIs: client.postLogoutRedirectURIs,
                  isPublic: client.isPublic, grantTypes: client.grantTypes,
                  idTokenAlgorithm: SigningAlgorithm(rawValue: client.idTokenAlgorithm) ?? .rs256,
                  requiresPushedAuthorization: client.requiresPushedAuthorization)
        backchannelLogoutURI = client.backchannelLogoutURI
        backchannelLogoutSessionRequired = client.backchannelLogoutSessionRequired
        isThirdParty = client.isThirdParty
        requiresDPoP = client.requiresDPoP
    }
}
