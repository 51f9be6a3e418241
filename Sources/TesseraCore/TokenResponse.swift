import Foundation

/// The successful token response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3), field for field
/// the JSON the seed shows:
///
/// ```json
/// { "access_token": "…", "id_token": "…", "scope": "openid profile email",
///   "expires_in": 86400, "token_type": "Bearer", "refresh_token": "…" }
/// ```
///
/// Its `Codable` form writes the real token values (it is the wire format); every token is held in
/// a ``Secret`` so that printing the response shows none of them.
public struct TokenResponse: Sendable, Codable, Equatable {
    public var accessToken: Secret
    public var idToken: Secret?
    public var scope: Scope?
    public var expiresIn: Int?
    public var tokenType: String
    public var refreshToken: Secret?

    public init(
        accessToken: Secret,
        idToken: Secret? = nil,
        scope: Scope? = nil,
        expiresIn: Int? = nil,
        tokenType: String = "Bearer",
        refreshToken: Secret? = nil
    ) {
        self.accessToken = accessToken
        self.idToken = idToken
        self.scope = scope
        self.expiresIn = expiresIn
        self.tokenType = tokenType
        self.refreshToken = refreshToken
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case idToken = "id_token"
        case scope
        case expiresIn = "expires_in"
        case tokenType = "token_type"
        case refreshToken = "refresh_token"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.accessToken = Secret(try container.decode(String.self, forKey: .accessToken))
        self.idToken = try container.decodeIfPresent(String.self, forKey: .idToken).map(Secret.init)
        self.scope = try container.decodeIfPresent(Scope.self, forKey: .scope)
        self.expiresIn = try container.decodeIfPresent(Int.self, forKey: .expiresIn)
        self.tokenType = try container.decode(String.self, forKey: .tokenType)
        self.refreshToken = try container.decodeIfPresent(String.self, forKey: .refreshToken).map(Secret.init)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accessToken.unredacted, forKey: .accessToken)
        try container.encodeIfPresent(idToken?.unredacted, forKey: .idToken)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(expiresIn, forKey: .expiresIn)
        try container.encode(tokenType, forKey: .tokenType)
        try container.encodeIfPresent(refreshToken?.unredacted, forKey: .refreshToken)
    }
}
