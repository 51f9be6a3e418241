public import Hummingbird
public import TesseraClient

/// OpenID Connect login for a Hummingbird app, on top of ``OIDCClient``: the routes `/login`,
/// `/callback` (the client's redirect URI) and `/logout`; a middleware that puts the browser's
/// login in `context.oidc` and refreshes its tokens before they expire; and ``requireLogin``.
///
/// The browser holds only an opaque random session id (HttpOnly, SameSite=Lax, Secure over
/// https); the state, nonce and PKCE verifier of a login under way, and the tokens once it is
/// done, stay server-side in an ``OIDCSessionStore`` (in memory by default, with expiry). When the
/// client uses DPoP (`ClientConfiguration.dpop`), each login gets a DPoP key of its own, kept there
/// too: its tokens are bound to it, and `context.oidc.client` proves it.
///
/// ```swift
/// let client = try await OIDCClient.discover(
///     issuer: "http://127.0.0.1:8080",
///     configuration: ClientConfiguration(clientID: id, clientSecret: Secret(secret),
///                                        redirectURI: "http://127.0.0.1:3000/callback"))
/// var configuration = OIDCLoginConfiguration()
/// configuration.postLogoutRedirectURI = "http://127.0.0.1:3000/"
/// let login = OIDCLogin(client: client, configuration: configuration, context: BasicOIDCRequestContext.self)
///
/// let router = Router(context: BasicOIDCRequestContext.self)
/// router.add(middleware: login.sessionMiddleware)
/// router.addRoutes(login.routes)
/// router.group("/dashboard").add(middleware: login.requireLogin).get { _, context in
///     "Hello, \(context.oidc.claims?.email ?? "?")"
/// }
/// ```
public struct OIDCLogin<Context: OIDCRequestContext>: Sendable {
    let sessions: LoginSessions

    /// - Parameters:
    ///   - client: the relying party; its redirect URI's path is where the callback route listens,
    ///     and an https redirect URI makes the session cookie Secure.
    ///   - store: where sessions live; in this process's memory by default.
    public init(client: OIDCClient, configuration: OIDCLoginConfiguration = .init(),
                store: any OIDCSessionStore = MemoryOIDCSessionStore(), context: Context.Type = Context.self) {
        self.sessions = LoginSessions(client: client, configuration: configuration, store: store)
    }

    public var client: OIDCClient { sessions.client }
    public var configuration: OIDCLoginConfiguration { sessions.configuration }
    /// The path the callback route listens on: the client's redirect URI's.
    public var callbackPath: String { sessions.callbackPath }

    /// Puts the browser's login, if any, in `context.oidc` (see ``OIDCSessionMiddleware``).
    public var sessionMiddleware: OIDCSessionMiddleware<Context> {
        OIDCSessionMiddleware(sessions: sessions)
    }

    /// Redirects a browser that is not logged in to the login route (see ``RequireLoginMiddleware``).
    public var requireLogin: RequireLoginMiddleware<Context> {
        RequireLoginMiddleware(session: sessionMiddleware)
    }

    /// `GET /login`, `GET /callback` (the redirect URI's path), `GET` and `POST /logout`, and
    /// `POST /backchannel-logout` (see ``BackchannelLogoutRoute``).
    public var routes: RouteCollection<Context> {
        let login = LoginRoute(sessions: sessions)
        let callback = CallbackRoute(sessions: sessions)
        let logout = LogoutRoute(sessions: sessions)
        let routes = RouteCollection(context: Context.self)
        routes.get(RouterPath(configuration.loginPath)) { await login.respond(to: $0, context: $1) }
        routes.get(RouterPath(callbackPath)) { await callback.respond(to: $0, context: $1) }
        routes.get(RouterPath(configuration.logoutPath)) { logout.confirm($0, context: $1) }
        routes.post(RouterPath(configuration.logoutPath)) { await logout.respond(to: $0, context: $1) }
        let backchannelLogout = BackchannelLogoutRoute(sessions: sessions)
        routes.post(RouterPath(configuration.backchannelLogoutPath)) { await backchannelLogout.respond(to: $0, context: $1) }
        return routes
    }
}
