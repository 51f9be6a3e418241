import HTTPTypes
import Hummingbird
import TesseraCore

/// The first check of the endpoints a client calls with its credentials (token, pushed
/// authorization requests): only POST, and nothing in the URL — credentials in a URL end up in
/// logs and histories (RFC 6749 §2.3.1), so a query string is refused unread.
enum BackChannelPost {
    /// The refusal of `request`, or nil when it is a POST without a query; `endpoint` names the
    /// endpoint in the error.
    static func refusal(of request: Request, endpoint: String) -> Response? {
        guard request.method == .post else {
            return OAuthError(.invalidRequest, "The \(endpoint) accepts only POST.", status: 405)
                .response().with(header: .allow, "POST")
        }
        guard request.uri.query?.isEmpty ?? true else {
            return OAuthError(.invalidRequest, "Send the parameters in the request body, never in the URL.").response()
        }
        return nil
    }
}
