import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// `POST /authorize` (OpenID Connect Core §3.1.2.1: the endpoint MUST support GET and POST):
/// the parameters come form-encoded in the body and are then read exactly as a GET's query is,
/// through the same validation, login form and response.
///
/// A POST whose URL also has a query is refused. OpenID Connect Core §3.1.2.1 puts a POST's
/// parameters in the body (Form Serialization); a request split over both places would leave it
/// open which value counts — and a link could add to a client's request parameters it never
/// sent — so neither is guessed.
///
/// The session cookie is SameSite=Lax, which browsers do not send on a cross-site POST: a form
/// posted from the client's site shows the login page (or answers `login_required` for
/// `prompt=none`) even when the user is logged in. A GET reuses the session.
extension AuthorizeEndpoint {
    /// A request's parameters, form-encoded, or the page that answers an unreadable POST.
    enum Parameters {
        case read(String)
        case refused(Response)
    }

    func parameters(of request: Request) async -> Parameters {
        guard request.method == .post else { return .read(request.uri.query ?? "") }
        let pages = flow.pages
        guard (request.uri.query ?? "").isEmpty else {
            return .refused(pages.errorResponse(
                status: .badRequest, title: "This login link is not valid",
                message: "A POST to the authorization endpoint must carry its parameters in the body only, not also in the URL.",
                code: OAuthError.Code.invalidRequest.rawValue))
        }
        do {
            return .read(try await OAuthRequestBody.formText(of: request, limit: flow.configuration.maxBodyBytes))
        } catch is OAuthRequestBody.TooLarge {
            return .refused(pages.errorResponse(status: .contentTooLarge, title: "This login link is not valid",
                                                message: "The authorization request is too large."))
        } catch {
            let message = (error as? OAuthError)?.description ?? "The authorization request could not be read."
            return .refused(pages.errorResponse(status: .badRequest, title: "This login link is not valid", message: message,
                                                code: OAuthError.Code.invalidRequest.rawValue))
        }
    }
}
