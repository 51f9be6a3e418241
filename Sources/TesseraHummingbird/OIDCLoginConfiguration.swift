public import Foundation
public import TesseraCore

/// How ``OIDCLogin`` behaves: its paths, its session's lifetimes, and what it asks the provider for.
///
/// Secure by default: the session cookie is HttpOnly and SameSite=Lax, and Secure (with the
/// `__Host-` prefix) whenever the client's redirect URI is https; a started login expires after
/// ten minutes; a session after twelve hours, however often its tokens are refreshed.
///
/// ```swift
/// var configuration = OIDCLoginConfiguration()
/// configuration.postLogoutRedirectURI = "https://app.example/"     // registered at the provider
/// configuration.afterLoginPath = "/dashboard"
/// ```
public struct OIDCLoginConfiguration: Sendable {
    /// What the login asks for. `offline_access` brings a refresh token, so the session can
    /// refresh its access token shortly before it expires; without it, it cannot.
    public var scope: Scope = "openid profile email offline_access"
    /// Extra authorization request parameters, such as `prompt=login` or Auth0's `audience`.
    public var additionalAuthorizationParameters: [(name: String, value: String)] = []

    /// The route that starts a login: `GET /login?return_to=/path`.
    public var loginPath = "/login"
    /// The route that logs out: `POST /logout` (`GET` shows a button that posts, so a link on
    /// another site cannot log the user out).
    public var logoutPath = "/logout"
    /// Where the provider POSTs logout tokens (OpenID Connect Back-Channel Logout 1.0): register
    /// this app's URL of it as the client's `backchannel_logout_uri`.
    public var backchannelLogoutPath = "/backchannel-logout"
    /// Where a finished login goes when it was not started with a `return_to`.
    public var afterLoginPath = "/"
    /// Where logout ends when the provider has no end-session endpoint.
    public var afterLogoutPath = "/"
    /// Where the provider sends the browser after ending its own session: an absolute URL that
    /// must be registered with the client as a post-logout redirect URI. `nil`: the provider
    /// shows its own "logged out" page.
    public var postLogoutRedirectURI: String?

    /// The session cookie's name; `__Host-` is put before it when the cookie is Secure.
    public var cookieName = "tessera_rp_session"
    /// How long a session lives from the login that made it.
    public var sessionLifetime: Duration = .seconds(12 * 3_600)
    /// How long a started login waits for its callback.
    public var loginTimeout: Duration = .seconds(600)
    /// How many logins one browser may have under way at once (one per tab); the oldest is
    /// dropped beyond it.
    public var maximumPendingLogins = 4

    /// The clock of session expiry; injected so tests need not wait.
    public var now: @Sendable () -> Date = { Date() }

    public init() {}
}
