public import TesseraCore

/// A registered application (an OAuth client).
public struct Client: Sendable, Equatable {
    public var id: String
    public var name: String
    /// SHA-256 hex of the generated secret; `nil` for a public client (a SPA or native app).
    public var secretHash: SecretHash?
    /// The exact redirect URIs an authorization request may name (RFC 9700 §2.1: exact match).
    public var redirectURIs: [String]
    /// Where RP-initiated logout may send the browser afterwards.
    public var postLogoutRedirectURIs: [String]
    public var grantTypes: [GrantType]
    /// The id_token signing algorithm: RS256 (default, as Auth0), ES256 or EdDSA.
    public var idTokenAlgorithm: String
    /// Whether `/authorize` takes only pushed requests from it (RFC 9126 §6, `--require-par`).
    public var requiresPushedAuthorization: Bool
    /// Where logout tokens are POSTed when a session this client had tokens in ends
    /// (OpenID Connect Back-Channel Logout 1.0 §2.2); `nil`: the client is not told.
    public var backchannelLogoutURI: String?
    /// The client's `backchannel_logout_session_required`; Tessera sends `sid` either way.
    public var backchannelLogoutSessionRequired: Bool = true
    /// A third-party client (`--third-party`, or registered dynamically, RFC 7591) is not trusted
    /// by the provider's owner: users see a consent page before it gets anything. First-party
    /// clients (the default, as Auth0's) do not.
    public var isThirdParty: Bool = false
    /// Whether its token requests must carry a DPoP proof (RFC 9449 §5.2, `--require-dpop`, or
    /// `dpop_bound_access_tokens` when it registered itself): its tokens are then always
    /// sender-constrained, never plain bearer tokens a thief could replay.
    public var requiresDPoP: Bool = false

    public init(
        id: String,
        name: String,
        secretHash: SecretHash?,
        redirectURIs: [String],
        postLogoutRedirectURIs: [String] = [],
        grantTypes: [GrantType],
        idTokenAlgorithm: String = "RS256",
        requiresPushedAuthorization: Bool = false,
        backchannelLogoutURI: String? = nil,
        backchannelLogoutSessionRequired: Bool = true,
        isThirdParty: Bool = false,
        requiresDPoP: Bool = false
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.grantTypes = grantTypes
        self.idTokenAlgorithm = idTokenAlgorithm
        self.requiresPushedAuthorization = requiresPushedAuthorization
        self.backchannelLogoutURI = backchannelLogoutURI
        self.backchannelLogoutSessionRequired = backchannelLogoutSessionRequired
        self.isThirdParty = isThirdParty
        self.requiresDPoP = requiresDPoP
    }

    /// A public client cannot keep a secret, so it authenticates with `none` and must use PKCE.
    public var isPublic: Bool { secretHash == nil }

    public func allows(_ grantType: GrantType) -> Bool { grantTypes.contains(grantType) }
}

extension Client {
    /// A new client id: 32 letters and digits from the system's CSPRNG (~190 bits), as Auth0's
    /// look. Never base64url, whose `-` and `_` would let an id start with `-` — which a command
    /// line (`tessera clients update ID`) reads as a flag.
    public static func newID() -> String {
        RandomIdentifier.alphanumeric(count: 32)
    }
}
