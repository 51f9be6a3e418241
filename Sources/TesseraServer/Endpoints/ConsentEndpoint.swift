import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /consent`: the user's answer on the consent page (OpenID Connect Core §3.1.2.4).
///
/// The CSRF token must be the one signed for this browser's session cookie and this authorization
/// request (``CSRFTokens/consent(session:authorizationRequest:)``), so a page that another site
/// posts, or one fetched for another request or by another user, grants nothing. The request is
/// then validated again from scratch and what is consented to is what *it* asks for — never a
/// scope the form carries. Approve: remembered, and the code issued. Deny: `access_denied` to the
/// client, in the request's response mode.
struct ConsentEndpoint: Sendable {
    let flow: AuthorizationFlow
    let maxBodyBytes: Int
    /// Records `consent.given` once the approval is remembered.
    let audit: EndpointAudit

    func respond(to request: Request, context: ProviderRequestContext) async -> Response {
        do {
            let form: OAuthParameters
            switch try await BrowserForm.read(request, limit: maxBodyBytes, pages: flow.pages, title: "Consent failed") {
            case .read(let parameters): form = parameters
            case .refused(let response): return response
            }
            let query = form["authorization_request"] ?? ""
            guard let cookie = flow.cookies.value(.session, in: request),
                  flow.csrf.verifiesConsent(form["csrf_token"], session: cookie, authorizationRequest: query) else {
                return expired("The form could not be verified (missing or wrong CSRF token).")
            }
            guard let session = try await flow.sessions.session(idHash: SecretHash(of: cookie), at: flow.clock.now()) else {
                return expired("Your login session has ended.")
            }
            let authorization: AuthorizationRequest
            switch try await flow.validate(query: query) {
            case .valid(let valid): authorization = valid
            case .answered(let response): return response
            }
            switch form["decision"] {
            case "approve":
                let response = try await flow.approve(authorization, session: session)
                await audit.request(request, context: context).consentGiven(
                    userID: session.userID, clientID: authorization.client.id, scope: authorization.scope, audience: authorization.audience)
                return response
            case "deny":
                return flow.redirectError(OAuthError(.accessDenied, "The user did not allow the application access."), for: authorization)
            default:
                return flow.pages.errorResponse(status: .badRequest, title: "Consent failed", message: "Choose Allow or Deny.",
                                                code: OAuthError.Code.invalidRequest.rawValue)
            }
        } catch {
            context.logger.error("consent failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return flow.pages.errorResponse(status: .internalServerError, title: "Something went wrong",
                                            message: "Your answer could not be recorded. Please try again.")
        }
    }

    private func expired(_ reason: String) -> Response {
        flow.pages.errorResponse(status: .badRequest, title: "Your consent form expired",
                                 message: "\(reason) Go back to the application and start the login again.",
                                 code: OAuthError.Code.invalidRequest.rawValue)
    }
}
