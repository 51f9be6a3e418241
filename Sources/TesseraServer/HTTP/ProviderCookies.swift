import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// The provider's two cookies: the login session and the login form's CSRF token.
///
/// Both are HttpOnly (no script can read them), SameSite=Lax (not sent on cross-site POSTs) and
/// Secure whenever the issuer is https. The session cookie holds only a random id; its hash is
/// what the database keeps.
struct ProviderCookies: Sendable {
    static let session = "tessera_session"
    static let csrf = "tessera_csrf"

    let secure: Bool
    let sessionLifetime: Int

    func sessionCookie(_ value: Secret) -> Cookie {
        Cookie(name: Self.session, value: value.unredacted, maxAge: sessionLifetime, path: "/",
               secure: secure, httpOnly: true, sameSite: .lax)
    }

    func clearedSessionCookie() -> Cookie {
        Cookie(name: Self.session, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    func csrfCookie(_ value: Secret) -> Cookie {
        Cookie(name: Self.csrf, value: value.unredacted, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A cookie's value, if the request carries one that could be a generated secret.
    static func value(_ name: String, in request: Request) -> Secret? {
        guard let value = request.cookies[name]?.value, value.count >= 32, value.count <= 128 else { return nil }
        return Secret(value)
    }
}
