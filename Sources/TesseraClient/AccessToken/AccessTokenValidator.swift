public import Foundation
public import TesseraCore

/// Checks RFC 9068 JWT access tokens for one API, against the issuer's published keys: what an
/// API puts in front of its routes (``AccessTokenVerifier``; `BearerTokenMiddleware` in
/// TesseraHummingbird takes one).
///
/// The check itself is ``validate(_:keys:expectations:now:)``, pure; this type adds the keys: the
/// issuer's JWKS, cached by the same ``JWKSCache`` the relying party uses for id_tokens — kept
/// for the response's `max-age`, and fetched again on an unknown `kid` at most once per
/// cool-down, so forged kids cannot turn the API into a load generator against its issuer. It is
/// a value; copies share the cache.
///
/// Works with any issuer that signs RFC 9068 tokens. On Auth0, set the API's *Token Profile* to
/// *RFC 9068*: Auth0's own profile signs access tokens with `typ: JWT`, which is what an id_token
/// says, and is refused.
///
/// ```swift
/// let validator = try await AccessTokenValidator.discover(issuer: "https://tenant.auth0.com/",
///                                                         audience: "https://api.example.com")
/// let token = try await validator.verify(Secret(bearer))
/// guard token.scopes.contains("read:messages") else { /* 403 insufficient_scope */ }
/// ```
public struct AccessTokenValidator: AccessTokenVerifier {
    public let expectations: AccessTokenExpectations
    /// Where the issuer publishes its keys.
    public let jwksURI: String
    let transport: any HTTPTransport
    let requestTimeout: Duration
    let now: @Sendable () -> Date
    let jwks: JWKSCache

    /// Finds the issuer's `jwks_uri` by OpenID Connect Discovery — the same checked fetch
    /// ``OIDCClient`` makes: the document must name exactly `issuer`, or it may be an impostor's
    /// naming its own keys. Done now, so a wrong issuer fails at start-up, not at the first request.
    /// - Parameters:
    ///   - audience: this API's identifier, as registered at the issuer (Auth0's API *Identifier*).
    ///   - clockSkew: tolerance for the issuer's clock when checking `exp`, `nbf` and `iat`.
    /// - Throws: `.discoveryIssuerMismatch`, or the transport's error when the issuer is unreachable.
    public static func discover(issuer: String, audience: String, transport: any HTTPTransport = AsyncHTTPClientTransport(),
                                clockSkew: Duration = .seconds(30), requestTimeout: Duration = .seconds(10),
                                jwksRefetchCooldown: Duration = .seconds(30),
                                now: @escaping @Sendable () -> Date = { Date() }) async throws(ClientError) -> AccessTokenValidator {
        let metadata = try await Discovery.fetch(issuer: issuer, transport: transport, timeout: requestTimeout)
        return AccessTokenValidator(issuer: issuer, jwksURI: metadata.jwksURI, audience: audience, transport: transport,
                                    clockSkew: clockSkew, requestTimeout: requestTimeout,
                                    jwksRefetchCooldown: jwksRefetchCooldown, now: now)
    }

    /// A validator for an issuer whose `jwks_uri` is known (Auth0's is `https://TENANT/.well-known/jwks.json`).
    /// - Parameters:
    ///   - jwksRefetchCooldown: after a token names an unknown `kid`, the keys are fetched again at most once per this interval.
    ///   - now: the clock every time check reads; injected so tests need not sleep.
    public init(issuer: String, jwksURI: String, audience: String, transport: any HTTPTransport, clockSkew: Duration = .seconds(30),
                requestTimeout: Duration = .seconds(10), jwksRefetchCooldown: Duration = .seconds(30),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.expectations = AccessTokenExpectations(issuer: issuer, audience: audience, clockSkew: clockSkew)
        self.jwksURI = jwksURI
        self.transport = transport
        self.requestTimeout = requestTimeout
        self.now = now
        self.jwks = JWKSCache(cooldown: jwksRefetchCooldown)
    }

    /// Checks `token` (the bearer token as presented) against the issuer's current keys.
    /// - Throws: the ``ClientError`` of the first check that fails; one whose
    ///   ``ClientError/isAuthorizationServerUnavailable`` is true when the keys could not be fetched.
    public func verify(_ token: Secret) async throws(ClientError) -> VerifiedAccessToken {
        let expectations = self.expectations
        // A token that is not even an access token signed the allowed way is refused before the
        // keys are fetched: it costs the issuer nothing, and is a 401 even while the JWKS is down.
        _ = try IDTokenValidator.checkedHeader(of: token, kind: .accessToken, allowedAlgorithms: expectations.allowedAlgorithms)
        do {
            return try await jwks.withKeys(uri: jwksURI, transport: transport, timeout: requestTimeout, now: now) { keys in
                try await Self.validate(token, keys: keys, expectations: expectations, now: now())
            }
        } catch {
            throw ClientError(wrapping: error)
        }
    }
}
