import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// How the authorization response reaches the client: the one place that turns response
/// parameters (a code, or an error once the redirect URI is trusted) into an HTTP answer.
///
/// - `query` (the default for `response_type=code`, OAuth 2.0 Multiple Response Type Encoding
///   Practices §2.1): a 302 to the redirect URI with the parameters in its query.
/// - `form_post` (OAuth 2.0 Form Post Response Mode §2): an HTML page whose form POSTs the
///   parameters to the redirect URI, so they never appear in a URL, a browser history or a log
///   of the client's web server. See ``FormPostResponse``.
///
/// `fragment` is refused: the Encoding Practices allow it with `code`, but a fragment never
/// reaches the client's server, which is where a code must go (it is exchanged with the client's
/// secret); answering in a mode the client cannot read would lose the code silently. Discovery
/// advertises exactly the modes here.
enum ResponseMode: String, Sendable, CaseIterable {
    case query
    case formPost = "form_post"

    /// The mode a request asks for; `query` when it names none, `nil` when it names one that
    /// Tessera does not offer.
    init?(parameter: String?) {
        self.init(rawValue: parameter ?? ResponseMode.query.rawValue)
    }

    /// The error description for a `response_mode` outside ``allCases``.
    static let unsupportedDescription = "response_mode must be query or form_post."

    /// The answer that carries `parameters` (plus `iss`, RFC 9207) to `redirectURI`.
    func response(redirectURI: String, parameters: [(name: String, value: String)], issuer: String, pages: Pages) -> Response {
        switch self {
        case .query:
            .redirecting(to: AuthorizationRequest.responseURL(redirectURI: redirectURI, parameters: parameters, issuer: issuer))
        case .formPost:
            FormPostResponse.response(redirectURI: redirectURI, parameters: parameters + [("iss", issuer)], pages: pages)
        }
    }
}
