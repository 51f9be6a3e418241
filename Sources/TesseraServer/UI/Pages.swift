import HTTPTypes
import Hummingbird
import Mustache

/// Renders the provider's HTML pages from ``Templates``.
struct Pages: Sendable {
    private let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        // The templates are constants of this binary; a parse error is a programming error.
        for (name, text) in [("head", Templates.head), ("foot", Templates.foot), ("login", Templates.login),
                             ("error", Templates.error), ("logged-out", Templates.loggedOut),
                             ("confirm-logout", Templates.confirmLogout), ("form-post", Templates.formPost),
                             ("consent", Templates.consent)] {
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        self.library = library
    }

    /// What the login form shows.
    struct Login {
        var title = "Log in"
        var clientName: String
        var action: String
        var csrfToken: String
        var authorizationRequest: String
        var email: String = ""
        var error: String?
    }

    func login(_ page: Login) -> String {
        library.render(page, withTemplate: "login") ?? ""
    }

    /// An error page, with the OAuth error code when there is one.
    func error(title: String, message: String, code: String? = nil) -> String {
        library.render(["title": title, "message": message, "code": code as Any], withTemplate: "error") ?? ""
    }

    /// What the logout confirmation carries back: the CSRF token and the already validated
    /// request, so that the POST only has to be confirmed.
    struct LogoutConfirmation {
        var title = "Log out?"
        var clientName: String?
        var csrfToken: String
        var clientID: String?
        var postLogoutRedirectURI: String?
        var state: String?
    }

    func confirmLogout(_ page: LogoutConfirmation) -> String {
        library.render(page, withTemplate: "confirm-logout") ?? ""
    }

    func consent(_ page: Consent) -> String {
        library.render(page, withTemplate: "consent") ?? ""
    }

    func loggedOut() -> String {
        library.render(["title": "Logged out"], withTemplate: "logged-out") ?? ""
    }

    /// The auto-submitting form of the Form Post Response Mode (``FormPostResponse``).
    func formPost(action: String, fields: [(name: String, value: String)]) -> String {
        library.render(["title": "Continue", "action": action,
                        "fields": fields.map { ["name": $0.name, "value": $0.value] }] as [String: Any],
                       withTemplate: "form-post") ?? ""
    }

    /// An HTML error response.
    func errorResponse(status: HTTPResponse.Status, title: String, message: String, code: String? = nil) -> Response {
        .html(error(title: title, message: message, code: code), status: status)
    }
}
