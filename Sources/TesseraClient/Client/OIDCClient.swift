public import Foundation
public import Logging
public import TesseraCore

/// The relying party: the server-side code the seed writes in Node and Python — authorization URL,
/// callback, the POST that exchanges the code, id_token validation, refresh, revocation, userinfo
/// and logout — with every check a provider's answer needs before it is trusted.
///
/// Each operation is a pure build/validate pair (``AuthorizationRequest``, ``AuthorizationCallback``,
/// ``TokenEndpoint``, ``IDTokenValidator``, …) around one call to the injected ``HTTPTransport``;
/// this type adds the shared state: the discovered metadata, the JWKS, and in-flight refreshes,
/// each in an actor. It is a value; copies share that state.
///
/// ```swift
/// let client = try await OIDCClient.discover(
///     issuer: "https://\(env["AUTH0_DOMAIN"]!)/",
///     configuration: ClientConfiguration(clientID: env["AUTH0_CLIENT_ID"]!,
///                                        clientSecret: Secret(env["AUTH0_CLIENT_SECRET"]!),
///                                        redirectURI: "https://yourapp.com/callback"))
///
/// // /login
/// let request = try await client.authorizationRequest()
/// session.pending = request.pending                   // server-side session
/// return redirect(to: request.url)
///
/// // /callback
/// do {
///     let tokens = try await client.handleCallback(query: uri.query ?? "", pending: session.pending)
///     session.tokens = tokens
///     return redirect(to: "/dashboard")
/// } catch let error as OAuthError where error.code == .invalidGrant {
///     return redirect(to: "/login?error=expired")     // the code expired or was already used
/// }
/// ```
public struct OIDCClient: Sendable {
    public let configuration: ClientConfiguration
    public let provider: ProviderSource
    let transport: any HTTPTransport
    let logger: Logger
    let now: @Sendable () -> Date
    let discoveries: SingleFlight<String, ProviderMetadata>
    let jwks: JWKSCache
    let refreshes: SingleFlight<String, RefreshFlight>
    /// The `jti`s of logout tokens accepted recently (see ``validateLogoutToken(_:maxAge:)``).
    let logoutTokenIDs = ReplayCache()
    /// The key this client signs DPoP proofs with (RFC 9449), resolved from
    /// ``ClientConfiguration/dpop`` when the client was made: `nil` when DPoP is off. Read it to
    /// persist a generated key, then inject it next time with `.key(_:)`, so tokens bound to it
    /// survive a restart.
    public internal(set) var dpopKey: DPoPKey?
    /// The latest `DPoP-Nonce` of each server this client talked to (RFC 9449 §8, §9).
    let dpopNonces = DPoPNonces()

    /// A client that discovers lazily (on first use) or uses explicit endpoints.
    /// - Parameters:
    ///   - transport: how requests are sent; AsyncHTTPClient by default.
    ///   - now: the clock every time check reads; injected so tests need not sleep.
    public init(provider: ProviderSource, configuration: ClientConfiguration,
                transport: any HTTPTransport = AsyncHTTPClientTransport(),
                logger: Logger = Logger(label: "tessera.client"),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.provider = provider
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.now = now
        self.discoveries = SingleFlight(retention: configuration.discoveryMaxAge)
        self.jwks = JWKSCache(cooldown: configuration.jwksRefetchCooldown)
        self.refreshes = SingleFlight(retention: configuration.refreshReuseWindow, spends: RefreshFlight.rotates)
        self.dpopKey = configuration.dpop?.resolve()
    }

    /// A client for `issuer`, its discovery document fetched and checked now, so a wrong issuer
    /// or an unreachable provider fails at start-up rather than at a user's first login.
    /// - Throws: `.discoveryIssuerMismatch` when the document names another issuer.
    public static func discover(issuer: String, configuration: ClientConfiguration,
                                transport: any HTTPTransport = AsyncHTTPClientTransport(),
                                logger: Logger = Logger(label: "tessera.client"),
                                now: @escaping @Sendable () -> Date = { Date() }) async throws -> OIDCClient {
        let client = OIDCClient(provider: .discovery(issuer: issuer), configuration: configuration,
                                transport: transport, logger: logger, now: now)
        _ = try await client.metadata()
        return client
    }

    /// The provider's metadata: explicit, or discovered and cached for `discoveryMaxAge`.
    public func metadata() async throws -> ProviderMetadata {
        switch provider {
        case .metadata(let metadata):
            return metadata
        case .discovery(let issuer):
            let (transport, timeout) = (self.transport, configuration.requestTimeout)
            return try await discoveries.run(issuer, now: now()) {
                try await Discovery.fetch(issuer: issuer, transport: transport, timeout: timeout)
            }
        }
    }

    /// Sends one request, logging what it was and how it ended — never a header or a body.
    func send(_ request: TransportRequest, operation: String) async throws -> TransportResponse {
        do {
            let response = try await transport.sendWrappingErrors(request)
            logger.debug("oidc \(operation)", metadata: ["http.status": "\(response.status)", "url": "\(request.url.absoluteString)"])
            return response
        } catch {
            logger.warning("oidc \(operation) failed", metadata: ["error": "\(error)", "url": "\(request.url.absoluteString)"])
            throw error
        }
    }
}
