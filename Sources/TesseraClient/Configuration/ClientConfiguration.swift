import Foundation
public import TesseraCore

/// Who the relying party is and how strict it is: client credentials, redirect URI, default
/// scope, and the tolerances of every check.
///
/// Secure by default; each relaxation is a named setting rather than a switched-off boolean.
///
/// ```swift
/// var configuration = ClientConfiguration(
///     clientID: env["AUTH0_CLIENT_ID"]!, clientSecret: Secret(env["AUTH0_CLIENT_SECRET"]!),
///     redirectURI: "https://app.example/callback")
/// configuration.authentication = .clientSecretJSON   // as the seed sends it
/// ```
public struct ClientConfiguration: Sendable {
    public var clientID: String
    /// The client secret; `nil` for a public client.
    public var clientSecret: Secret?
    /// The callback URL registered with the provider; sent in both the authorization and the
    /// token request, which must be identical (RFC 6749 §4.1.3).
    public var redirectURI: String
    /// How the client authenticates: `client_secret_basic` unless told otherwise (`none` without a secret).
    public var authentication: ClientAuthentication
    /// The scope asked for when an authorization request names none.
    public var scope: Scope = "openid profile email"

    /// How far the provider's clock may be from ours when checking `exp` and `iat`: 30 s.
    public var clockSkew: Duration = .seconds(30)
    /// How long before the access token expires a refresh is due: 60 s. Distinct from
    /// ``clockSkew``: one tolerates other clocks, the other keeps a request from leaving with a
    /// token that dies in flight.
    public var refreshAhead: Duration = .seconds(60)
    /// A caller arriving this soon after a refresh of the same refresh token gets that refresh's
    /// result instead of replaying the rotated token, which the provider would treat as theft and
    /// answer by revoking the whole family (RFC 9700 §4.14). Later, such a caller gets
    /// `.refreshTokenRotated`: the rotated token is never sent again.
    public var refreshReuseWindow: Duration = .seconds(30)
    /// The deadline of each HTTP exchange with the provider.
    public var requestTimeout: Duration = .seconds(10)
    /// id_token algorithms accepted, intersected with those the provider advertises. `none` and
    /// HMAC algorithms are never accepted, whatever is listed here: an HMAC "signature" made with
    /// the provider's *public* key proves nothing.
    public var allowedAlgorithms: [String] = ["RS256", "ES256", "EdDSA"]
    /// After an id_token names an unknown `kid`, the JWKS is fetched again at most once per this
    /// interval, so a stream of forged kids cannot turn the client into a load generator.
    public var jwksRefetchCooldown: Duration = .seconds(30)
    /// How long a discovery document is reused before it is fetched again.
    public var discoveryMaxAge: Duration = .seconds(24 * 3600)
    /// Whether the authorization request is pushed to the provider first (RFC 9126) when it
    /// advertises a `pushed_authorization_request_endpoint`: the parameters then travel
    /// client-authenticated over the back channel, and the browser's URL carries only `client_id`
    /// and a single-use `request_uri`, so nobody on the way can read or alter them. On by default;
    /// `usePushedAuthorization = false` sends every parameter in the URL as before.
    public var usePushedAuthorization = true
    /// When the callback's RFC 9207 `iss` parameter is checked.
    public var issuerParameter: IssuerParameterCheck = .whenPresentOrAdvertised
    /// Whether token requests carry DPoP proofs (RFC 9449), binding the tokens to a key this
    /// client holds: `nil` (plain Bearer tokens) unless set, e.g. `configuration.dpop = .es256`.
    /// See ``DPoPConfiguration``.
    public var dpop: DPoPConfiguration?

    public init(clientID: String, clientSecret: Secret?, redirectURI: String,
                authentication: ClientAuthentication? = nil) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.authentication = authentication ?? (clientSecret == nil ? .none : .clientSecretBasic)
    }
}

/// When the authorization response's `iss` parameter (RFC 9207) is checked: the defence against a
/// mix-up attack, where a callback meant for one provider is replayed as another's.
public enum IssuerParameterCheck: Sendable {
    /// Checked when present, required when the provider advertises
    /// `authorization_response_iss_parameter_supported` (the default).
    case whenPresentOrAdvertised
    /// Always required: for an app that talks only to providers known to send it.
    case required
    /// Never checked: only for a provider that sends a wrong `iss` and a single-provider app.
    case skipIssuerParameterCheck
}
