/// The provider's self-description: OpenID Connect Discovery 1.0 §3 and RFC 8414 §2.
///
/// The provider serves it at `/.well-known/openid-configuration`; the relying party reads it to
/// find every endpoint, and refuses it when `issuer` is not the one it was configured with.
public struct ProviderMetadata: Sendable, Codable, Equatable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var userinfoEndpoint: String?
    public var jwksURI: String
    public var revocationEndpoint: String?
    public var introspectionEndpoint: String?
    public var endSessionEndpoint: String?
    public var scopesSupported: [String]?
    public var responseTypesSupported: [String]
    public var responseModesSupported: [String]?
    public var grantTypesSupported: [String]?
    public var subjectTypesSupported: [String]?
    public var idTokenSigningAlgValuesSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    public var revocationEndpointAuthMethodsSupported: [String]?
    public var introspectionEndpointAuthMethodsSupported: [String]?
    public var codeChallengeMethodsSupported: [String]?
    public var claimsSupported: [String]?
    public var promptValuesSupported: [String]?
    public var authorizationResponseIssParameterSupported: Bool?
    public var requestParameterSupported: Bool?
    public var claimsParameterSupported: Bool?
    public var requestURIParameterSupported: Bool?
    public var acrValuesSupported: [String]?
    public var displayValuesSupported: [String]?
    public var uiLocalesSupported: [String]?
    /// Where a client pushes its authorization request first (RFC 9126 §5).
    public var pushedAuthorizationRequestEndpoint: String?
    /// Whether every client must push (RFC 9126 §5); a provider may still require it per client.
    public var requirePushedAuthorizationRequests: Bool?
    /// OpenID Connect Back-Channel Logout 1.0 §2.1: the provider POSTs logout tokens to clients,
    /// with `sid` in them. Not in the initializer: set them on a built value.
    public var backchannelLogoutSupported: Bool?
    public var backchannelLogoutSessionSupported: Bool?
    /// RFC 8414 §2 / RFC 7591 §3: where clients register themselves; absent when the provider
    /// does not take dynamic registrations. Not in the initializer: set it on a built value.
    public var registrationEndpoint: String?
    /// RFC 9449 §5.1: the JWS algorithms the provider accepts in DPoP proofs; absent when it does
    /// not take DPoP at all. Not in the initializer: set it on a built value.
    public var dpopSigningAlgValuesSupported: [String]?

    public init(
        issuer: String,
        authorizationEndpoint: String,
        tokenEndpoint: String,
        userinfoEndpoint: String? = nil,
        jwksURI: String,
        revocationEndpoint: String? = nil,
        introspectionEndpoint: String? = nil,
        endSessionEndpoint: String? = nil,
        scopesSupported: [String]? = nil,
        responseTypesSupported: [String] = ["code"],
        responseModesSupported: [String]? = nil,
        grantTypesSupported: [String]? = nil,
        subjectTypesSupported: [String]? = nil,
        idTokenSigningAlgValuesSupported: [String]? = nil,
        tokenEndpointAuthMethodsSupported: [String]? = nil,
        revocationEndpointAuthMethodsSupported: [String]? = nil,
        introspectionEndpointAuthMethodsSupported: [String]? = nil,
        codeChallengeMethodsSupported: [String]? = nil,
        claimsSupported: [String]? = nil,
        promptValuesSupported: [String]? = nil,
        authorizationResponseIssParameterSupported: Bool? = nil,
        requestParameterSupported: Bool? = nil,
        claimsParameterSupported: Bool? = nil,
        requestURIParameterSupported: Bool? = nil,
        acrValuesSupported: [String]? = nil,
        displayValuesSupported: [String]? = nil,
        uiLocalesSupported: [String]? = nil,
        pushedAuthorizationRequestEndpoint: String? = nil,
        requirePushedAuthorizationRequests: Bool? = nil
    ) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.userinfoEndpoint = userinfoEndpoint
        self.jwksURI = jwksURI
        self.revocationEndpoint = revocationEndpoint
        self.introspectionEndpoint = introspectionEndpoint
        self.endSessionEndpoint = endSessionEndpoint
        self.scopesSupported = scopesSupported
        self.responseTypesSupported = responseTypesSupported
        self.responseModesSupported = responseModesSupported
        self.grantTypesSupported = grantTypesSupported
        self.subjectTypesSupported = subjectTypesSupported
        self.idTokenSigningAlgValuesSupported = idTokenSigningAlgValuesSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.revocationEndpointAuthMethodsSupported = revocationEndpointAuthMethodsSupported
        self.introspectionEndpointAuthMethodsSupported = introspectionEndpointAuthMethodsSupported
        self.codeChallengeMethodsSupported = codeChallengeMethodsSupported
        self.claimsSupported = claimsSupported
        self.promptValuesSupported = promptValuesSupported
        self.authorizationResponseIssParameterSupported = authorizationResponseIssParameterSupported
        self.requestParameterSupported = requestParameterSupported
        self.claimsParameterSupported = claimsParameterSupported
        self.requestURIParameterSupported = requestURIParameterSupported
        self.acrValuesSupported = acrValuesSupported
        self.displayValuesSupported = displayValuesSupported
        self.uiLocalesSupported = uiLocalesSupported
        self.pushedAuthorizationRequestEndpoint = pushedAuthorizationRequestEndpoint
        self.requirePushedAuthorizationRequests = requirePushedAuthorizationRequests
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case revocationEndpoint = "revocation_endpoint"
        case introspectionEndpoint = "introspection_endpoint"
        case endSessionEndpoint = "end_session_endpoint"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case introspectionEndpointAuthMethodsSupported = "introspection_endpoint_auth_methods_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case claimsSupported = "claims_supported"
        case promptValuesSupported = "prompt_values_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case requestParameterSupported = "request_parameter_supported"
        case claimsParameterSupported = "claims_parameter_supported"
        case requestURIParameterSupported = "request_uri_parameter_supported"
        case acrValuesSupported = "acr_values_supported"
        case displayValuesSupported = "display_values_supported"
        case uiLocalesSupported = "ui_locales_supported"
        case pushedAuthorizationRequestEndpoint = "pushed_authorization_request_endpoint"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
        case backchannelLogoutSupported = "backchannel_logout_supported"
        case backchannelLogoutSessionSupported = "backchannel_logout_session_supported"
        case registrationEndpoint = "registration_endpoint"
        case dpopSigningAlgValuesSupported = "dpop_signing_alg_values_supported"
    }
}
