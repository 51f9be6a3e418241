import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import Logging
import TesseraCore

/// RP-initiated logout: `GET|POST /oidc/logout` (OpenID Connect RP-Initiated Logout 1.0) and
/// Auth0's `GET /v2/logout`.
///
/// The login session ends (in the database, so on every node) and its cookie is cleared. The
/// browser is sent on only to a post-logout URI the client registered — never to an arbitrary
/// URL, or logout would be an open redirector; otherwise a "logged out" page is shown.
///
/// A live session ends at once only for an `id_token_hint` this provider issued for that very
/// session (its `sid` and `sub`), which only the relying party the user logged in to holds.
/// Anything else — a bare link, another session's token — gets a confirmation page whose form
/// posts back with a CSRF token signed for the session cookie (``CSRFTokens``), so another site
/// cannot log the user out with a link or an image (RP-Initiated Logout 1.0 §2 and §6).
struct LogoutEndpoint: Sendable {
    let configuration: ProviderConfiguration
    let clients: any ClientStore
    let sessions: any SessionStore
    let keyRing: KeyRing
    let cookies: ProviderCookies
    let csrf: CSRFTokens
    let pages: Pages
    let clock: WallClock
    /// Records `logout` when a session actually ends (not for a confirmation page, nor a browser
    /// already logged out).
    let audit: EndpointAudit

    func oidcLogout(_ request: Request, context: ProviderRequestContext) async -> Response {
        await respond(to: request, context: context, returnParameter: "post_logout_redirect_uri", acceptsHint: true)
    }

    func auth0Logout(_ request: Request, context: ProviderRequestContext) async -> Response {
        await respond(to: request, context: context, returnParameter: "returnTo", acceptsHint: false)
    }

    private func respond(to request: Request, context: ProviderRequestContext, returnParameter: String, acceptsHint: Bool) async -> Response {
        do {
            let parameters = try await Self.parameters(of: request, limit: configuration.maxBodyBytes)
            var clientID = parameters["client_id"]
            var hint: IDTokenHint?
            if acceptsHint, let token = parameters["id_token_hint"] {
                // Expired hints are accepted (``IDTokenHint``): the user may come back long after the token's lifetime.
                let claims = try await IDTokenHint.verified(token, keyRing: keyRing, issuer: configuration.issuer)
                guard let audience = claims.aud.value.first, clientID == nil || clientID == audience else {
                    return pages.errorResponse(status: .badRequest, title: "Logout failed", message: "The client_id does not match the id_token_hint.",
                                               code: OAuthError.Code.invalidRequest.rawValue)
                }
                clientID = audience
                hint = claims
            }
            var destination: String?
            var clientName: String?
            if let requested = parameters[returnParameter] {
                guard let clientID, let client = try await clients.client(id: clientID),
                      client.postLogoutRedirectURIs.contains(requested)
                else {
                    return pages.errorResponse(status: .badRequest, title: "Logout failed",
                                               message: "The address to return to after logout is not registered for this application.",
                                               code: OAuthError.Code.invalidRequest.rawValue)
                }
                destination = requested
                clientName = client.name
            }
            let cookie = cookies.value(.session, in: request)
            if let cookie, let session = try await sessions.session(idHash: SecretHash(of: cookie), at: clock.now()) {
                let confirmed = request.method == .post && csrf.verifiesLogout(parameters["csrf_token"], session: cookie)
                let byHint = hint?.names(session) == true
                guard byHint || confirmed else {
                    return .html(pages.confirmLogout(Pages.LogoutConfirmation(
                        clientName: clientName, csrfToken: csrf.logout(session: cookie), clientID: clientID,
                        postLogoutRedirectURI: destination, state: parameters["state"])))
                }
                if try await sessions.endSession(idHash: SecretHash(of: cookie), at: clock.now()) {
                    await audit.request(request, context: context).loggedOut(userID: session.userID, clientID: clientID, byHint: byHint)
                }
            }
            var response: Response
            if let destination {
                var query: [(name: String, value: String)] = []
                if let state = parameters["state"] { query.append(("state", state)) }
                response = .redirecting(to: query.isEmpty ? destination : destination + (destination.contains("?") ? "&" : "?") + FormURLEncoding.encode(query))
            } else {
                response = .html(pages.loggedOut())
            }
            response.setCookie(cookies.clearedSessionCookie())
            return response
        } catch is OAuthRequestBody.TooLarge {
            return pages.errorResponse(status: .contentTooLarge, title: "Logout failed", message: "The form was too large.")
        } catch let error as OAuthError {
            return pages.errorResponse(status: .badRequest, title: "Logout failed", message: error.description ?? "The logout request could not be read.",
                                       code: error.code.rawValue)
        } catch {
            context.logger.error("logout failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return pages.errorResponse(status: .internalServerError, title: "Something went wrong",
                                       message: "The logout could not be completed. Please try again.")
        }
    }

    /// Query parameters for GET; the form body for POST.
    private static func parameters(of request: Request, limit: Int) async throws -> OAuthParameters {
        if request.method == .post {
            return try await OAuthRequestBody.parameters(of: request, limit: limit)
        }
        // The query, read as strictly as a form body: malformed, repeated or control characters are invalid_request.
        return try OAuthParameters(form: request.uri.query ?? "")
    }
}
