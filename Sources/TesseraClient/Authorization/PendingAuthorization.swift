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
    /// The `max_age` sent, if any: the id_token must then say the user authenticated within it.
    public let maxAge: Duration?

    public init(state: Secret, nonce: Secret, codeVerifier: Secret, redirectURI: String, scope: Scope,
                issuer: String, createdAt: Date, maxAge: Duration? = nil) {
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.redirectURI = redirectURI
        self.scope = scope
        self.issuer = issuer
        self.createdAt = createdAt
        self.maxAge = maxAge
    }
}

extension PendingAuthorization: Codable {
    /// The stored form: every value as plain text, secrets included, read back at the callback.
    private struct Stored: Codable {
        let state, nonce, code_verifier, redirect_uri, issuer: String
        let scope: Scope
        let created_at: Date
        let max_age: Int?
    }

    public init(from decoder: any Decoder) throws {
        let stored = try Stored(from: decoder)
        self.init(state: Secret(stored.state), nonce: Secret(stored.nonce), codeVerifier: Secret(stored.code_verifier),
                  redirectURI: stored.redirect_uri, scope: stored.scope, issuer: stored.issuer, createdAt: stored.created_at,
                  maxAge: stored.max_age.map { .seconds($0) })
    }

    /// Writes the real secret values: this is the session-storage form, read back at the callback.
    public func encode(to encoder: any Encoder) throws {
        try Stored(state: state.unredacted, nonce: nonce.unredacted, code_verifier: codeVerifier.unredacted,
                   redirect_uri: redirectURI, issuer: issuer, scope: scope, created_at: createdAt,
                   max_age: maxAge.map { Int($0.components.seconds) }).encode(to: encoder)
    }
}
