public import Hummingbird
public import TesseraClient

/// A request context that carries the login of the browser making the request, filled in by
/// ``OIDCSessionMiddleware``.
///
/// Use ``BasicOIDCRequestContext``, or add the property to the app's own context:
///
/// ```swift
/// struct AppContext: OIDCRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var oidc = OIDCSessionContext()
///     init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
/// }
/// ```
public protocol OIDCRequestContext: RequestContext {
    /// The login of this request's browser; empty when it is not logged in.
    var oidc: OIDCSessionContext { get set }
}

/// The login behind a request, as handlers see it: who the user is and the tokens to call APIs
/// with (refreshed already when they were about to expire). Only the middleware sets it.
///
/// ```swift
/// router.get("/hello") { _, context in
///     "Hello, \(context.oidc.claims?.email ?? "stranger")"
/// }
/// ```
public struct OIDCSessionContext: Sendable {
    /// The tokens of the login, `nil` when the browser is not logged in. Each is a `Secret`.
    public internal(set) var tokens: TokenSet?
    /// The client to use ``tokens`` with, `nil` when not logged in: the app's, holding this
    /// session's own DPoP key when the login uses DPoP, so a call it makes proves the key the
    /// tokens are bound to.
    ///
    /// ```swift
    /// router.get("/orders") { _, context in
    ///     guard let client = context.oidc.client, let tokens = context.oidc.tokens else { throw HTTPError(.unauthorized) }
    ///     let response = try await client.send(TransportRequest(method: .get, url: ordersURL), with: tokens)
    ///     …
    /// }
    /// ```
    public internal(set) var client: OIDCClient?
    /// Whether a middleware has looked the session up already for this request.
    var isResolved = false

    public init() {}

    /// Whether the browser is logged in.
    public var isLoggedIn: Bool { tokens != nil }
    /// The validated id_token claims of the logged-in user: `sub`, `email`, `name`, `auth_time`, …
    public var claims: IDTokenClaims? { tokens?.idTokenClaims }
}

/// The request context of an app that needs nothing but the login.
///
/// ```swift
/// let router = Router(context: BasicOIDCRequestContext.self)
/// ```
public struct BasicOIDCRequestContext: OIDCRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var oidc = OIDCSessionContext()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
