import HTTPTypes
import Hummingbird
import TesseraCore

/// A form a browser posts back to one of the provider's pages (login, consent): its parameters,
/// or the HTML error page for one that cannot be read — a person is looking, not a client.
enum BrowserForm {
    enum Reading {
        case read(OAuthParameters)
        case refused(Response)
    }

    /// Reads the form; `title` heads the error page (e.g. "Login failed").
    static func read(_ request: Request, limit: Int, pages: Pages, title: String) async throws -> Reading {
        do {
            return .read(try await OAuthRequestBody.parameters(of: request, limit: limit))
        } catch is OAuthRequestBody.TooLarge {
            return .refused(pages.errorResponse(status: .contentTooLarge, title: title, message: "The form was too large."))
        } catch let error as OAuthError {
            return .refused(pages.errorResponse(status: .badRequest, title: title, message: error.description ?? "The form could not be read."))
        }
    }
}
