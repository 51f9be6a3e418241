public import TesseraCore

/// One authorization: what a user (or, for a machine client, the client itself) granted a client.
///
/// Every token issued under it — the code's access and refresh tokens, and each rotation after —
/// belongs to it, so revoking the grant revokes the whole family (RFC 6749 §4.1.2, RFC 9700 §4.14).
public struct Grant: Sendable, Equatable {
    public var id: String
    public var clientID: String
    /// `nil` for client_credentials.
    public var userID: String?
    public var scope: Scope
    /// The API the access token is for (Auth0's `audience`), when one was asked for.
    public var audience: String?
    public var nonce: String?
    public var authTime: Int?
    /// The login session's public id, for the `sid` claim and logout.
    public var sid: String?
    /// The redirect URI of the authorization request, which the token request must repeat exactly.
    public var redirectURI: String?
    /// The S256 `code_challenge`, when the authorization request sent one.
    public var codeChallenge: String?
    /// The `claims` parameter of the authorization request (OpenID Connect Core §5.5), honoured by
    /// every id_token and userinfo answer under this grant, refreshes included.
    public var claims: ClaimsRequest?
    /// The `dpop_jkt` of the authorization request (RFC 9449 §10): the thumbprint of the key whose
    /// DPoP proof the code's exchange must carry. nil when the code is not bound.
    public var dpopThumbprint: String?
    public var codeExpiresAt: Int?
    public var createdAt: Int
    /// When the last token under this grant expires; after that the row can be collected.
    public var expiresAt: Int
    public var revokedAt: Int?

    public init(
        id: String,
        clientID: String,
        userID: String?,
        scope: Scope,
        audience: String? = nil,
        nonce: String? = nil,
        authTime: Int? = nil,
        sid: String? = nil,
        redirectURI: String? = nil,
        codeChallenge: String? = nil,
        claims: ClaimsRequest? = nil,
        dpopThumbprint: String? = nil,
        codeExpiresAt: Int? = nil,
        createdAt: Int,
        expiresAt: Int,
        revokedAt: Int? = nil
    ) {
        self.id = id
        self.clientID = clientID
        self.userID = userID
        self.scope = scope
        self.audience = audience
        self.nonce = nonce
        self.authTime = authTime
        self.sid = sid
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
        self.claims = claims
        self.dpopThumbprint = dpopThumbprint
        self.codeExpiresAt = codeExpiresAt
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
