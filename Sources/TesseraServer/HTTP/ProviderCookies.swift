import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// The provider's two cookies: the login session and the browser's pre-login cookie, which the
/// login form's CSRF token is bound to (``CSRFTokens``).
///
/// Both are HttpOnly (no script can read them) and SameSite=Lax (not sent on cross-site POSTs).
/// Whenever the issuer is https they are also Secure and named with the `__Host-` prefix, which
/// browsers accept only when Secure, with Path=/ and no Domain: a neighbouring subdomain or a
/// plain-http response cannot plant one. Only the prefixed name is read then. The session cookie
/// holds only a random id; its hash is what the database keeps.
struct ProviderCookies: Sendable {
    enum Name: String {
        case session = "tessera_session"
        case csrf = "tessera_csrf"
    }

    let secure: Bool
    let sessionLifetime: Int

    /// The name the cookie goes by on this provider: `__Host-` prefixed over https.
    func name(_ cookie: Name) -> String {
        secure ? "__Host-" + cookie.rawValue : cookie.rawValue
    }

    func sessionCookie(_ value: Secret) -> Cookie {
        Cookie(name: name(.session), value: value.unredacted, maxAge: sessionLifetime, path: "/",
               secure: secure, httpOnly: true, sameSite: .lax)
    }

    func clearedSessionCookie() -> Cookie {
        Cookie(name: name(.session), value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func csrfCookie(_ value: Secret) -> Cookie {
        Cookie(name: name(.csrf), value: value.unredacted, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A cookie's value, if the request carries one that could be a generated secret.
    func value(_ cookie: Name, in request: Request) -> Secret? {
        guard let value = request.cookies[name(cookie)]?.value, value.count >= 32, value.count <= 128 else { return nil }
        return Secret(value)
    }
}
