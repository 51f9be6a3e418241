import Foundation
import Hummingbird
import TesseraCore

/// The session cookie: nothing but a random 256-bit id, opaque to the browser. The tokens and
/// the pending login stay server-side under the id's hash.
///
/// HttpOnly (no script reads it), SameSite=Lax (not sent on another site's POST, but sent on the
/// provider's redirect back), Path=/. When the app is served over https it is also Secure and
/// named with the `__Host-` prefix, which browsers accept only from a secure origin, for the whole
/// host and no other: a neighbouring subdomain cannot plant one.
struct SessionCookie: Sendable {
    let name: String
    let secure: Bool

    init(name: String, secure: Bool) {
        self.name = secure ? "__Host-" + name : name
        self.secure = secure
    }

    /// The session id the request's cookie carries, if it has the shape of one this app made.
    func id(in request: Request) -> Secret? {
        guard let value = request.cookies[name]?.value, (32...128).contains(value.utf8.count),
              value.utf8.allSatisfy({ Self.base64URL.contains($0) })
        else { return nil }
        return Secret(value)
    }

    func setting(_ id: Secret, lifetime: Duration) -> Cookie {
        Cookie(name: name, value: id.unredacted, maxAge: Int(lifetime.components.seconds), path: "/",
               secure: secure, httpOnly: true, sameSite: .lax)
    }

    func cleared() -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    private static let base64URL = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
}
