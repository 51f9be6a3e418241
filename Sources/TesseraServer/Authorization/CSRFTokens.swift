import Crypto
import Foundation
import TesseraCore

/// The CSRF tokens of the provider's forms: signed, not copied.
///
/// A double-submit token (one random value in a cookie and again in the form) proves only that
/// whoever posts could set the cookie — which a neighbouring subdomain, or anyone on the path of
/// a plain-http request, can do for a victim's browser. Here the form's token is an HMAC, under a
/// key derived from the master key, over the browser's own cookie and what the form is for: the
/// authorization request being logged in to or consented to, or the session being ended. Without the key no
/// cookie and field can be forged as a pair, and a token minted for one browser's cookie is
/// worthless with another's. Every node shares the master key, so a form served by one node
/// posts to any other.
///
/// ```swift
/// let tokens = CSRFTokens(masterKey: key)
/// let field = tokens.login(browser: cookie, authorizationRequest: query)           // in the form
/// tokens.verifiesLogin(form["csrf_token"], browser: cookie, authorizationRequest: query)  // true
/// ```
struct CSRFTokens: Sendable {
    private let key: SymmetricKey

    init(masterKey: MasterKey) {
        self.key = masterKey.derivedKey(for: "csrf/v1")
    }

    /// The login form's token, for the browser's pre-login cookie and the authorization request
    /// the form carries.
    func login(browser: Secret, authorizationRequest: String) -> String {
        mint("login", browser.unredacted, authorizationRequest)
    }

    /// Whether `token` is the login token of this cookie and authorization request.
    func verifiesLogin(_ token: String?, browser: Secret, authorizationRequest: String) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(token, login(browser: browser, authorizationRequest: authorizationRequest))
    }

    /// The logout confirmation's token, for the session cookie it would end.
    func logout(session: Secret) -> String {
        mint("logout", session.unredacted)
    }

    /// Whether `token` is the logout token of this session cookie.
    func verifiesLogout(_ token: String?, session: Secret) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(token, logout(session: session))
    }

    /// The consent form's token, for the session cookie of the user being asked and the
    /// authorization request the form carries: a page fetched by another browser, or for another
    /// request, posts nothing.
    func consent(session: Secret, authorizationRequest: String) -> String {
        mint("consent", session.unredacted, authorizationRequest)
    }

    /// Whether `token` is the consent token of this session cookie and authorization request.
    func verifiesConsent(_ token: String?, session: Secret, authorizationRequest: String) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(token, consent(session: session, authorizationRequest: authorizationRequest))
    }

    /// HMAC-SHA256 over the purpose and each part, every one prefixed with its length so that no
    /// two different lists of parts sign the same bytes.
    private func mint(_ purpose: String, _ parts: String...) -> String {
        var mac = HMAC<SHA256>(key: key)
        for part in [purpose] + parts {
            let bytes = Array(part.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { mac.update(data: $0) }
            mac.update(data: bytes)
        }
        return Base64URL.encode(Array(mac.finalize()))
    }
}
