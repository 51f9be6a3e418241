public import Foundation
public import TesseraCore

/// What the app keeps in its server-side session between sending the user to the provider and
/// the callback: the values the callback and the token request are checked against.
///
/// Every value that would let an attacker complete someone else's login — `state`, `nonce`, the
/// PKCE verifier — is a ``Secret``: printing or logging this struct shows none of them. Its
/// `Codable` form, however, holds the real values, because it exists to be stored in a
/// *server-side* session and read back at the callback; never put it in a cookie unencrypted.
///
/// ```swift
/// let request = try await client.authorizationRequest()
/// session["login"] = try JSONEncoder().encode(request.pending)
/// return .redirect(to: request.url)
/// ```
public struct PendingAuthorization: Sendable, Equatable {
    /// The `state` sent, 256 random bits: the callback must return it (CSRF defence).
    public let state: Secret
    /// The `nonce` sent, 256 random bits: the id_token must carry it (replay defence).
    public let nonce: Secret
    /// The PKCE `code_verifier` whose S256 challenge was sent (RFC 7636).
    public let codeVerifier: Secret
    /// The `redirect_uri` sent, repeated in the token request.
    public let redirectURI: String
    /// The scope asked for.
    public let scope: Scope
    /// The issuer the request was sent to, for apps that talk to several providers.
    public let issuer: String
    /// When the request was built.
    public let createdAt: Date

    public init(state: Secret, nonce: Secret, codeVerifier: Secret, redirectURI: String, scope: Scope,
                issuer: String, createdAt: Date) {
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.redirectURI = redirectURI
        self.scope = scope
        self.issuer = issuer
        self.createdAt = createdAt
    }
}

extension PendingAuthorization: Codable {
    enum CodingKeys: String, CodingKey {
        case state, nonce
        case codeVerifier = "code_verifier"
        case redirectURI = "redirect_uri"
        case scope, issuer
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            state: try container.decode(Secret.self, forKey: .state),
            nonce: try container.decode(Secret.self, forKey: .nonce),
            codeVerifier: try container.decode(Secret.self, forKey: .codeVerifier),
            redirectURI: try container.decode(String.self, forKey: .redirectURI),
            scope: try container.decode(Scope.self, forKey: .scope),
            issuer: try container.decode(String.self, forKey: .issuer),
            createdAt: try container.decode(Date.self, forKey: .createdAt))
    }

    /// Writes the real secret values: this is the session-storage form, read back at the callback.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state.unredacted, forKey: .state)
        try container.encode(nonce.unredacted, forKey: .nonce)
        try container.encode(codeVerifier.unredacted, forKey: .codeVerifier)
        try container.encode(redirectURI, forKey: .redirectURI)
        try container.encode(scope, forKey: .scope)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
