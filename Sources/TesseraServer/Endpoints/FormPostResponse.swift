import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The page of the Form Post Response Mode (OAuth 2.0 Form Post Response Mode §2): a form whose
/// hidden fields are the response parameters, POSTed to the redirect URI.
///
/// A one-line script submits it at once; a `<noscript>` button does the same without
/// JavaScript. The Content-Security-Policy lets the page run only that script (by its hash, so
/// nothing injected could run) and submit forms only to the redirect URI (`form-action`), so
/// even a parameter that broke out of its field could not send the code elsewhere. Like every
/// page it is never cached (it carries a code), never framed and sends no referrer.
enum FormPostResponse {
    /// The whole script of the page; its hash is what the policy allows.
    static let script = "document.forms[0].submit()"

    /// `'sha256-…'` of ``script`` (CSP Level 3 §2.3.1 hash-source).
    static let scriptHash = "'sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString() + "'"

    static func response(redirectURI: String, parameters: [(name: String, value: String)], pages: Pages) -> Response {
        let action = redirectURI.firstIndex(of: "#").map { String(redirectURI[..<$0]) } ?? redirectURI
        var response = Response.html(pages.formPost(action: action, fields: parameters))
        response.headers[.contentSecurityPolicy] = policy(formAction: action)
        return response
    }

    /// The page's policy: nothing but the inline styles, the submitting script and a form post
    /// to `formAction`.
    static func policy(formAction: String) -> String {
        "default-src 'none'; script-src \(scriptHash); style-src 'unsafe-inline'; form-action \(source(for: formAction)); "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    /// A CSP source expression matching `uri`: `scheme://host[:port]/path` for http(s) (the query
    /// cannot be part of a source, CSP Level 3 §2.3.1; after a redirect browsers match the origin
    /// only), `scheme:` for a private-use scheme of a native app, `'none'` if it cannot be read.
    static func source(for uri: String) -> String {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else { return "'none'" }
        guard ["http", "https"].contains(scheme), var host = components.host, !host.isEmpty else {
            return scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) } ? scheme + ":" : "'none'"
        }
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        let port = components.port.map { ":\($0)" } ?? ""
        // ";" and "," would end the directive or the source: CSP asks for them percent-encoded.
        let path = components.percentEncodedPath
            .replacingOccurrences(of: ";", with: "%3B")
            .replacingOccurrences(of: ",", with: "%2C")
            .replacingOccurrences(of: " ", with: "%20")
        return "\(scheme)://\(host)\(port)\(path)"
    }
}
