public import Hummingbird
public import TesseraClient

/// A request context that carries the access token ``BearerTokenMiddleware`` verified, so a
/// handler reads who called and what they may do without touching the token itself.
///
/// Use ``BasicAccessTokenRequestContext``, or add the property to the app's own context:
///
/// ```swift
/// struct APIContext: AccessTokenRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var accessToken: VerifiedAccessToken?
///     init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
/// }
/// ```
public protocol AccessTokenRequestContext: RequestContext {
    /// The verified token of this request; `nil` until ``BearerTokenMiddleware`` has let it
    /// through, so a route behind the middleware always finds one.
    var accessToken: VerifiedAccessToken? { get set }
}

extension AccessTokenRequestContext {
    /// The RFC 7638 thumbprint of the key that signed this request's DPoP proof; nil for a
    /// request with a bearer token. ``BearerTokenMiddleware`` lets a DPoP request through only
    /// when this is the token's `cnf.jkt`, so it names the key the token is bound to — what an
    /// API keys per-client state by when one client holds several tokens.
    public var dpopKeyThumbprint: String? {
        accessToken?.boundKeyThumbprint
    }
}

/// The request context of an API that needs nothing but the caller's access token.
///
/// ```swift
/// let router = Router(context: BasicAccessTokenRequestContext.self)
/// ```
public struct BasicAccessTokenRequestContext: AccessTokenRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var accessToken: VerifiedAccessToken?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
