import Foundation
public import TesseraCore

/// What an id_token must say to be accepted (OpenID Connect Core §3.1.3.7): who must have issued
/// it, for whom, with which algorithms, in answer to which request.
///
/// ```swift
/// let expectations = IDTokenExpectations(
///     issuer: metadata.issuer, clientID: configuration.clientID,
///     allowedAlgorithms: IDTokenExpectations.algorithms(configured: configuration.allowedAlgorithms,
///                                                      advertised: metadata.idTokenSigningAlgValuesSupported),
///     nonce: pending.nonce, accessToken: response.accessToken)
/// ```
public struct IDTokenExpectations: Sendable {
    /// The provider's issuer, exactly.
    public var issuer: String
    /// This client's id: it must be in `aud`, and be `azp` when `azp` is present or `aud` has several values.
    public var clientID: String
    /// The JWS algorithms accepted. Never `none` or HMAC: see ``algorithms(configured:advertised:)``.
    public var allowedAlgorithms: Set<String>
    /// The nonce the authorization request sent. `nil` only for an id_token returned by a refresh,
    /// which carries none (OpenID Connect Core §12.2).
    public var nonce: Secret?
    /// The access token issued beside the id_token: `at_hash`, when present, must match it.
    public var accessToken: Secret?
    /// The `sub` the token must name: after a refresh, the user must be the same user.
    public var subject: String?
    /// The `max_age` the authorization request sent: `auth_time` is then required, and must be
    /// no older than this (plus the clock skew) — OpenID Connect Core §3.1.3.7 step 13.
    public var maxAge: Duration?
    /// Tolerance for the provider's clock when checking `exp`, `iat` and `auth_time`.
    public var clockSkew: Duration

    public init(issuer: String, clientID: String, allowedAlgorithms: Set<String>, nonce: Secret?,
                accessToken: Secret? = nil, subject: String? = nil, maxAge: Duration? = nil, clockSkew: Duration = .seconds(30)) {
        self.issuer = issuer
        self.clientID = clientID
        self.allowedAlgorithms = allowedAlgorithms
        self.nonce = nonce
        self.accessToken = accessToken
        self.subject = subject
        self.maxAge = maxAge
        self.clockSkew = clockSkew
    }

    /// The asymmetric JWS algorithms this client can verify. `none` and `HS*` are not among them:
    /// an HMAC "signature" keyed with the provider's public key can be made by anyone.
    public static let verifiableAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    ]

    /// The algorithms to accept: those configured that this client can verify, narrowed to those
    /// the provider advertises in `id_token_signing_alg_values_supported` when it does.
    public static func algorithms(configured: [String], advertised: [String]?) -> Set<String> {
        let verifiable = Set(configured).intersection(verifiableAlgorithms)
        guard let advertised else { return verifiable }
        return verifiable.intersection(advertised)
    }
}
