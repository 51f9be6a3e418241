public import Foundation
public import TesseraCore

/// Checks opaque access tokens by asking the authorization server (RFC 7662 token introspection),
/// authenticated as the API itself: for tokens that are not JWTs, or when revocation must show
/// within a minute rather than at `exp`.
///
/// Each token is sent, with `token_type_hint=access_token`, to the discovered
/// `introspection_endpoint` with the API's own credentials (`client_secret_basic`), and the answer
/// read by ``process(_:issuer:audience:clockSkew:now:)``. Active answers are cached, keyed by the
/// token's SHA-256 and bounded to `cacheCapacity` entries (oldest evicted first); an entry lives
/// until the token's `exp` or `maximumCacheLifetime`, whichever is sooner — so a revoked token
/// is accepted for at most that long, and an expired one never.
///
/// Inactive answers are not cached. A bad token stays bad, so caching would be correct, but it
/// would not help: an attacker sends a fresh random token each time, and every such answer
/// would push a legitimate entry out of the bounded cache. A client that keeps presenting the
/// same dead token costs one request each, which the authorization server's rate limits handle.
///
/// The token never reaches a log or an error message: it travels only in the request body.
///
/// ```swift
/// let introspector = try await TokenIntrospector.discover(
///     issuer: "https://login.example.com", audience: "https://api.example.com",
///     clientID: env["API_CLIENT_ID"]!, clientSecret: Secret(env["API_CLIENT_SECRET"]!))
/// let token = try await introspector.verify(Secret(bearer))
/// ```
public struct TokenIntrospector: AccessTokenVerifier {
    public let introspectionEndpoint: String
    /// The issuer an answer's `iss`, when present, must name.
    public let issuer: String?
    /// This API's identifier, which the token's `aud` must contain; nil accepts any token the
    /// authorization server says is active and lets this client see.
    public let audience: String?
    let credentials: ClientConfiguration
    let transport: any HTTPTransport
    let clockSkew: Duration
    let maximumCacheLifetime: Duration
    let cache: IntrospectionCache?
    /// Introspections under way, by token hash: a page that fires ten API calls with a fresh token
    /// makes one request, the other nine wait for its answer.
    let inFlight = SingleFlight<SecretHash, VerifiedAccessToken>(retention: .zero)
    let now: @Sendable () -> Date

    /// Finds the issuer's `introspection_endpoint` by OpenID Connect Discovery (the document must
    /// name exactly `issuer`).
    /// - Parameters:
    ///   - audience: this API's identifier; nil only for an API that accepts every token the
    ///     authorization server lets it see.
    ///   - clientID, clientSecret: the API's own credentials at the authorization server.
    ///   - cacheCapacity: how many active answers are kept; 0 asks every time.
    ///   - maximumCacheLifetime: how long an answer is reused at most: the delay before a
    ///     revocation takes effect here.
    /// - Throws: `.discoveryIssuerMismatch`; `.endpointNotAdvertised` when the issuer has no
    ///   introspection endpoint (Auth0 has none: validate its JWT access tokens with
    ///   ``AccessTokenValidator`` instead).
    public static func discover(issuer: String, audience: String?, clientID: String, clientSecret: Secret,
                                transport: any HTTPTransport = AsyncHTTPClientTransport(), cacheCapacity: Int = 1024,
                                maximumCacheLifetime: Duration = .seconds(60), clockSkew: Duration = .seconds(30),
                                requestTimeout: Duration = .seconds(10),
                                now: @escaping @Sendable () -> Date = { Date() }) async throws(ClientError) -> TokenIntrospector {
        let metadata = try await Discovery.fetch(issuer: issuer, transport: transport, timeout: requestTimeout)
        guard let endpoint = metadata.introspectionEndpoint else {
            throw ClientError(.endpointNotAdvertised, "The issuer advertises no introspection_endpoint.", actual: issuer)
        }
        return TokenIntrospector(introspectionEndpoint: endpoint, issuer: issuer, audience: audience, clientID: clientID,
                                 clientSecret: clientSecret, transport: transport, cacheCapacity: cacheCapacity,
                                 maximumCacheLifetime: maximumCacheLifetime, clockSkew: clockSkew,
                                 requestTimeout: requestTimeout, now: now)
    }

    /// An introspector for a known endpoint, for issuers without discovery.
    public init(introspectionEndpoint: String, issuer: String?, audience: String?, clientID: String, clientSecret: Secret,
                transport: any HTTPTransport = AsyncHTTPClientTransport(), cacheCapacity: Int = 1024,
                maximumCacheLifetime: Duration = .seconds(60), clockSkew: Duration = .seconds(30),
                requestTimeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
        self.introspectionEndpoint = introspectionEndpoint
        self.issuer = issuer
        self.audience = audience
        // The token endpoint's credential plumbing, reused: no redirect URI is ever sent from here.
        var credentials = ClientConfiguration(clientID: clientID, clientSecret: clientSecret, redirectURI: "",
                                              authentication: .clientSecretBasic)
        credentials.requestTimeout = requestTimeout
        self.credentials = credentials
        self.transport = transport
        self.clockSkew = clockSkew
        self.maximumCacheLifetime = maximumCacheLifetime
        self.cache = cacheCapacity > 0 && maximumCacheLifetime > .zero ? IntrospectionCache(capacity: cacheCapacity) : nil
        self.now = now
    }

    /// The authorization server's answer about `token`, from the cache when a recent one is there.
    /// - Throws: the ``ClientError`` saying why the token is not good for this API; one whose
    ///   ``ClientError/isAuthorizationServerUnavailable`` is true when the endpoint could not be
    ///   reached, refused the API's credentials, or answered nonsense.
    public func verify(_ token: Secret) async throws(ClientError) -> VerifiedAccessToken {
        let key = SecretHash(of: token)
        if let cache, let cached = await cache.token(for: key, now: now()) {
            return cached
        }
        do {
            return try await inFlight.run(key, now: now()) { [self] in try await introspect(token, key: key) }
        } catch {
            throw ClientError(wrapping: error)
        }
    }

    /// One request to the endpoint, its answer checked and, when active, cached.
    private func introspect(_ token: Secret, key: SecretHash) async throws(ClientError) -> VerifiedAccessToken {
        let request = try AuthenticatedPost.request(
            to: introspectionEndpoint, parameters: [("token", token.unredacted), ("token_type_hint", "access_token")],
            configuration: credentials)
        let response: TransportResponse
        do {
            response = try await transport.sendWrappingErrors(request)
        } catch {
            throw ClientError(wrapping: error)
        }
        let answeredAt = now()
        let verified = try Self.process(response, issuer: issuer, audience: audience, clockSkew: clockSkew, now: answeredAt)
        if let cache {
            let deadline = Self.cacheDeadline(expiresAt: verified.expiresAt, maximumLifetime: maximumCacheLifetime, now: answeredAt)
            await cache.keep(verified, for: key, until: deadline, now: answeredAt)
        }
        return verified
    }
}
