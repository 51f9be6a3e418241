/// An API's self-description, RFC 9728 §2: which authorization servers issue tokens for it and
/// what it understands, so a client that met the API first (an MCP client, say) can find where to
/// get a token.
///
/// The API serves it at `/.well-known/oauth-protected-resource` (RFC 9728 §3) and names that URL
/// in its 401 answers' `WWW-Authenticate: Bearer resource_metadata="…"` (§5.1). A client must check
/// that ``resource`` is exactly the resource it asked about (§3.3), or another API could send it
/// to an authorization server of its choosing.
public struct ProtectedResourceMetadata: Sendable, Codable, Equatable {
    /// The API's identifier: the `audience` / `resource` a token for it names (RFC 8707).
    public var resource: String
    /// The issuers whose tokens the API accepts.
    public var authorizationServers: [String]?
    /// The permissions the API defines.
    public var scopesSupported: [String]?
    /// How a token may reach the API; Tessera's middleware reads only the `Authorization` header.
    public var bearerMethodsSupported: [String]?
    /// A name for people, shown by clients that ask a user before using the API.
    public var resourceName: String?
    /// Where a human reads about the API.
    public var resourceDocumentation: String?
    /// The algorithms the API accepts DPoP proofs signed with (RFC 9728 §2,
    /// `dpop_signing_alg_values_supported`); TesseraHummingbird's middleware accepts exactly
    /// these and names them in its challenges' `algs`. `nil` or empty: the API does not do DPoP.
    public var dpopSigningAlgValuesSupported: [String]?
    /// Whether the API accepts only DPoP-bound tokens (RFC 9728 §2,
    /// `dpop_bound_access_tokens_required`): set it to `true` and TesseraHummingbird's middleware
    /// refuses bearer tokens too, so the document and the API cannot disagree.
    public var dpopBoundAccessTokensRequired: Bool?

    /// - Parameter dpopSigningAlgValuesSupported: every algorithm Tessera verifies by default, so
    ///   an API protected by TesseraHummingbird accepts DPoP-bound tokens as soon as it knows its
    ///   public URL (the ``resource``'s origin).
    public init(resource: String, authorizationServers: [String]? = nil, scopesSupported: [String]? = nil,
                bearerMethodsSupported: [String]? = ["header"], resourceName: String? = nil,
                resourceDocumentation: String? = nil, dpopSigningAlgValuesSupported: [String]? = DPoPAlgorithm.supportedNames,
                dpopBoundAccessTokensRequired: Bool? = nil) {
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.bearerMethodsSupported = bearerMethodsSupported
        self.resourceName = resourceName
        self.resourceDocumentation = resourceDocumentation
        self.dpopSigningAlgValuesSupported = dpopSigningAlgValuesSupported
        self.dpopBoundAccessTokensRequired = dpopBoundAccessTokensRequired
    }

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case scopesSupported = "scopes_supported"
        case bearerMethodsSupported = "bearer_methods_supported"
        case resourceName = "resource_name"
        case resourceDocumentation = "resource_documentation"
        case dpopSigningAlgValuesSupported = "dpop_signing_alg_values_supported"
        case dpopBoundAccessTokensRequired = "dpop_bound_access_tokens_required"
    }
}
