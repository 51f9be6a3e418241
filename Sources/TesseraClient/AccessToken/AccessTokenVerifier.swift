public import Foundation
public import TesseraCore

/// What a resource server knows about a bearer token it accepted: who it speaks for, which client
/// holds it, and what it may do. The same whether the token was a JWT checked locally (RFC 9068)
/// or an opaque token the authorization server vouched for (RFC 7662).
public struct VerifiedAccessToken: Sendable, Equatable {
    /// The user, or the client itself for a client_credentials token.
    public let subject: String
    /// The client the token was issued to (RFC 9068 `client_id`), when the token says.
    public let clientID: String?
    /// The permissions the token carries (its `scope`).
    public let scopes: Scope
    /// The audiences the token names; one of them is this API's identifier.
    public let audience: [String]
    /// When the token stops being valid, when it says.
    public let expiresAt: Date?
    /// Every claim as sent, for what an API needs beyond the above.
    public let claims: [String: JSONValue]
    /// The RFC 7638 thumbprint of the key the token is bound to (`cnf.jkt`, RFC 9449 §6), nil
    /// for a bearer token. A bound token opens the API only with a DPoP proof signed by that key:
    /// `BearerTokenMiddleware` refuses it as a bearer token, so stealing it is not enough.
    public let boundKeyThumbprint: String?

    public init(subject: String, clientID: String?, scopes: Scope, audience: [String], expiresAt: Date?,
                claims: [String: JSONValue], boundKeyThumbprint: String? = nil) {
        self.subject = subject
        self.clientID = clientID
        self.scopes = scopes
        self.audience = audience
        self.expiresAt = expiresAt
        self.claims = claims
        self.boundKeyThumbprint = boundKeyThumbprint
    }
}

/// How a resource server decides that a bearer token is good for it: ``AccessTokenValidator``
/// checks an RFC 9068 JWT against the issuer's keys; ``TokenIntrospector`` asks the authorization
/// server about an opaque token (RFC 7662). `BearerTokenMiddleware` (TesseraHummingbird) takes either.
public protocol AccessTokenVerifier: Sendable {
    /// - Throws: a ``ClientError`` saying why the token is not good for this API (the middleware
    ///   answers 401 `invalid_token`), or one whose ``ClientError/isAuthorizationServerUnavailable``
    ///   is true when the token could not be checked at all (the middleware answers 503).
    func verify(_ token: Secret) async throws(ClientError) -> VerifiedAccessToken
}

extension ClientError {
    /// Whether the failure says nothing about the token, only that the authorization server (its
    /// JWKS or its introspection endpoint) could not be reached or answered nonsense: the caller
    /// is not at fault, so a resource server answers 503, not 401.
    public var isAuthorizationServerUnavailable: Bool {
        [.timeout, .transportFailed, .malformedResponse].contains(code)
    }
}
