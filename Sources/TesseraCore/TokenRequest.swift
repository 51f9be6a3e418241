import Foundation

/// A token request (RFC 6749 §4.1.3, §6, §4.4): the seed's four parameters plus the optional ones.
///
/// The relying party builds one and sends ``formParameters`` (or a JSON body, Auth0 style); the
/// provider reads one back from ``OAuthParameters``. Every secret field is a ``Secret``.
///
/// ```swift
/// let request = TokenRequest.authorizationCode(
///     code: code, redirectURI: "https://app.example/callback", codeVerifier: pkce.verifier)
/// ```
public struct TokenRequest: Sendable {
    public var grantType: GrantType
    public var code: Secret?
    public var redirectURI: String?
    public var codeVerifier: Secret?
    public var refreshToken: Secret?
    public var scope: Scope?
    /// Auth0's `audience`: the API the access token is for.
    public var audience: String?
    /// RFC 8707's `resource`: the same as ``audience``, in the standard's words. Several may be
    /// sent (§2); Tessera accepts one, other providers may accept more.
    public var resources: [String]
    /// `client_id` in the body (client_secret_post, or a public client).
    public var clientID: String?
    /// `client_secret` in the body (client_secret_post, as the seed sends it).
    public var clientSecret: Secret?

    public init(
        grantType: GrantType,
        code: Secret? = nil,
        redirectURI: String? = nil,
        codeVerifier: Secret? = nil,
        refreshToken: Secret? = nil,
        scope: Scope? = nil,
        audience: String? = nil,
        resources: [String] = [],
        clientID: String? = nil,
        clientSecret: Secret? = nil
    ) {
        self.grantType = grantType
        self.code = code
        self.redirectURI = redirectURI
        self.codeVerifier = codeVerifier
        self.refreshToken = refreshToken
        self.scope = scope
        self.audience = audience
        self.resources = resources
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// The exchange of an authorization code for tokens (RFC 6749 §4.1.3), optionally naming the
    /// API the access token is for (`resource`, RFC 8707 §2.2): one the authorization asked for.
    public static func authorizationCode(code: Secret, redirectURI: String?, codeVerifier: Secret?,
                                         resources: [String] = []) -> TokenRequest {
        TokenRequest(grantType: .authorizationCode, code: code, redirectURI: redirectURI, codeVerifier: codeVerifier,
                     resources: resources)
    }

    /// A refresh (RFC 6749 §6), optionally narrowing the scope, or naming the API the access token
    /// is for (`resource`, RFC 8707 §2.2).
    public static func refresh(_ refreshToken: Secret, scope: Scope? = nil, resources: [String] = []) -> TokenRequest {
        TokenRequest(grantType: .refreshToken, refreshToken: refreshToken, scope: scope, resources: resources)
    }

    /// A machine client's request for an access token to an API (RFC 6749 §4.4), named by
    /// `resource` (RFC 8707) — pass `audience:` instead for Auth0's spelling of the same.
    ///
    /// ```swift
    /// let request = TokenRequest.clientCredentials(resource: "https://api.example.com/orders", scope: "read:orders")
    /// ```
    public static func clientCredentials(resource: String? = nil, audience: String? = nil, scope: Scope? = nil) -> TokenRequest {
        TokenRequest(grantType: .clientCredentials, scope: scope, audience: audience, resources: resource.map { [$0] } ?? [])
    }

    /// Reads a request; `invalid_request` when `grant_type` is missing. An unknown grant type is
    /// kept, so the endpoint can answer `unsupported_grant_type` after authenticating the client.
    public init(_ parameters: OAuthParameters) throws(OAuthError) {
        guard let grantType = parameters["grant_type"] else {
            throw OAuthError(.invalidRequest, "The request is missing the 'grant_type' parameter.")
        }
        self.init(
            grantType: GrantType(grantType),
            code: parameters["code"].map(Secret.init),
            redirectURI: parameters["redirect_uri"],
            codeVerifier: parameters["code_verifier"].map(Secret.init),
            refreshToken: parameters["refresh_token"].map(Secret.init),
            scope: parameters["scope"].map { Scope($0) },
            audience: parameters["audience"],
            resources: parameters.values(of: ResourceIndicator.parameter),
            clientID: parameters["client_id"],
            clientSecret: parameters["client_secret"].map(Secret.init)
        )
    }

    /// The request as name/value pairs, in the order the seed writes them. This is where secrets
    /// leave the ``Secret`` wrapper: into the body of a POST, never a URL.
    public var formParameters: [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = [("grant_type", grantType.rawValue)]
        func add(_ name: String, _ value: String?) {
            if let value { pairs.append((name, value)) }
        }
        add("client_id", clientID)
        add("client_secret", clientSecret?.unredacted)
        add("code", code?.unredacted)
        add("redirect_uri", redirectURI)
        add("code_verifier", codeVerifier?.unredacted)
        add("refresh_token", refreshToken?.unredacted)
        add("scope", scope?.description)
        add("audience", audience)
        for resource in resources { add(ResourceIndicator.parameter, resource) }
        return pairs
    }
}
