public import Foundation
public import TesseraCore

/// The URL that sends the user to the provider's login (RFC 6749 §4.1.1, OpenID Connect Core
/// §3.1.2.1), and what to keep until the callback.
///
/// Every request carries a fresh `state` and `nonce` (256 random bits each) and an S256 PKCE
/// challenge (RFC 7636, required by RFC 9700 §2.1.1 even for confidential clients).
///
/// ```swift
/// let request = try await client.authorizationRequest(scope: "openid profile email offline_access")
/// session.pending = request.pending      // server-side
/// redirect(to: request.url)
/// ```
public struct AuthorizationRequest: Sendable {
    /// Where to send the browser.
    public let url: URL
    /// What to keep in the session until the callback.
    public let pending: PendingAuthorization

    /// Parameters the client sets itself; an app cannot override them through `additionalParameters`.
    static let reservedParameters: Set<String> = [
        "response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method",
    ]

    /// Builds a request with fresh secrets: pure but for the randomness.
    /// - Parameters:
    ///   - additionalParameters: extra query parameters such as `prompt`, `login_hint`, `max_age`,
    ///     Auth0's `audience` or RFC 8707's `resource` (which may be given more than once, though
    ///     Tessera and Auth0 issue a token for one API). A `max_age` is remembered in ``PendingAuthorization/maxAge``, so
    ///     the id_token's `auth_time` is checked against it.
    /// - Throws: `.invalidConfiguration` when the endpoint is not a URL or an additional parameter
    ///   would replace one the client sets.
    public static func build(
        metadata: ProviderMetadata, configuration: ClientConfiguration, scope: Scope? = nil,
        additionalParameters: [(name: String, value: String)] = [], now: Date = Date()
    ) throws(ClientError) -> AuthorizationRequest {
        let prepared = try prepare(metadata: metadata, configuration: configuration, scope: scope,
                                   additionalParameters: additionalParameters, now: now)
        return AuthorizationRequest(url: try url(endpoint: metadata.authorizationEndpoint, parameters: prepared.parameters),
                                    pending: prepared.pending)
    }

    /// The request's parameters with fresh secrets, and what to keep until the callback: sent in
    /// the URL by ``build(metadata:configuration:scope:additionalParameters:now:)``, or pushed
    /// first (RFC 9126) by ``OIDCClient/authorizationRequest(scope:additionalParameters:)``.
    static func prepare(
        metadata: ProviderMetadata, configuration: ClientConfiguration, scope: Scope?,
        additionalParameters: [(name: String, value: String)], now: Date
    ) throws(ClientError) -> (parameters: [(name: String, value: String)], pending: PendingAuthorization) {
        if let reserved = additionalParameters.first(where: { reservedParameters.contains($0.name) }) {
            throw ClientError(.invalidConfiguration, "The parameter '\(reserved.name)' is set by the client and cannot be overridden.")
        }
        var maxAge: Duration?
        if let parameter = additionalParameters.last(where: { $0.name == "max_age" }) {
            guard let seconds = Int(parameter.value), seconds >= 0 else {
                throw ClientError(.invalidConfiguration, "max_age must be a whole number of seconds.", actual: parameter.value)
            }
            maxAge = .seconds(seconds)
        }
        let pkce = PKCE()
        let pending = PendingAuthorization(
            state: Secret.random(byteCount: 32), nonce: Secret.random(byteCount: 32), codeVerifier: pkce.verifier,
            redirectURI: configuration.redirectURI, scope: scope ?? configuration.scope,
            issuer: metadata.issuer, createdAt: now, maxAge: maxAge)
        let parameters: [(name: String, value: String)] = [
            ("response_type", "code"),
            ("client_id", configuration.clientID),
            ("redirect_uri", pending.redirectURI),
            ("scope", pending.scope.description),
            ("state", pending.state.unredacted),
            ("nonce", pending.nonce.unredacted),
            ("code_challenge", pkce.challenge),
            ("code_challenge_method", PKCE.method),
        ] + additionalParameters
        return (parameters, pending)
    }

    /// The authorization endpoint with `parameters` added to its query.
    static func url(endpoint: String, parameters: [(name: String, value: String)]) throws(ClientError) -> URL {
        let separator = endpoint.contains("?") ? "&" : "?"
        guard let url = URL(string: endpoint + separator + FormURLEncoding.encode(parameters)) else {
            throw ClientError(.invalidConfiguration, "The authorization endpoint is not a URL.", actual: endpoint)
        }
        return url
    }
}
