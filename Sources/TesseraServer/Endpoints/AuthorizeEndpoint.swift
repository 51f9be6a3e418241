import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `GET /authorize` and `POST /authorize`: the start of the code flow (RFC 6749 §4.1.1; POST in
/// ``AuthorizeEndpoint/parameters(of:)``).
///
/// A browser with a live session gets its code at once (or, for a third-party client, the consent
/// page: ``AuthorizationFlow/proceed(_:session:sessionCookie:)``); otherwise the login page.
/// `prompt=none` never shows a page: it answers `login_required` (or `consent_required`) instead
/// (OpenID Connect Core §3.1.2.6).
struct AuthorizeEndpoint: Sendable {
    let flow: AuthorizationFlow
    /// Turns a pushed request's `request_uri` into its parameters first (RFC 9126 §4).
    let pushedRequests: PushedRequestResolution

    func respond(to request: Request, context: some RequestContext) async -> Response {
        do {
            let query: String
            switch await parameters(of: request) {
            case .read(let text): query = text
            case .refused(let response): return response
            }
            let authorization: AuthorizationRequest
            switch try await pushedRequests.validate(query: query, flow: flow) {
            case .valid(let valid): authorization = valid
            case .answered(let response): return response
            }
            if let session = try await flow.currentSession(of: request), flow.accepts(session, for: authorization),
               let cookie = flow.cookies.value(.session, in: request) {
                return try await flow.proceed(authorization, session: session, sessionCookie: cookie)
            }
            if authorization.prompt.contains("none") {
                let reason = authorization.hintedSubject == nil ? "The user is not logged in." : "The user named by id_token_hint is not logged in."
                return flow.redirectError(OAuthError(.loginRequired, reason), for: authorization)
            }
            return flow.loginPage(for: authorization, csrf: flow.cookies.value(.csrf, in: request))
        } catch {
            context.logger.error("authorize failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return flow.pages.errorResponse(status: .internalServerError, title: "Something went wrong",
                                            message: "The login could not be started. Please try again.")
        }
    }
}
