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
struct LogoutEndpoint: Sendable {
    let configuration: ProviderConfiguration
    let clients: any ClientStore
    let sessions: any SessionStore
    let keyRing: KeyRing
    let cookies: ProviderCookies
    let pages: Pages
    let clock: WallClock

    /// The claims of an `id_token_hint` that logout reads. Expired hints are accepted, as the
    /// specification allows: the user may come back long after the token's lifetime.
    struct Hint: JWTPayload {
        var iss: String
        var aud: AudienceClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    func oidcLogout(_ request: Request, context: some RequestContext) async -> Response {
        await respond(to: request, context: context, returnParameter: "post_logout_redirect_uri", acceptsHint: true)
    }

    func auth0Logout(_ request: Request, context: some RequestContext) async -> Response {
        await respond(to: request, context: context, returnParameter: "returnTo", acceptsHint: false)
    }

    private func respond(to request: Request, context: some RequestContext, returnParameter: String, acceptsHint: Bool) async -> Response {
        do {
            let parameters = try await Self.parameters(of: request, limit: configuration.maxBodyBytes)
            var clientID = parameters["client_id"]
            if acceptsHint, let hint = parameters["id_token_hint"] {
                guard let claims = try? await keyRing.verify(hint, as: Hint.self), claims.iss == configuration.issuer,
                      let audience = claims.aud.value.first
                else {
                    return pages.errorResponse(status: .badRequest, title: "Logout failed", message: "The id_token_hint is not a token this provider issued.",
                                               code: OAuthError.Code.invalidRequest.rawValue)
                }
                guard clientID == nil || clientID == audience else {
                    return pages.errorResponse(status: .badRequest, title: "Logout failed", message: "The client_id does not match the id_token_hint.",
                                               code: OAuthError.Code.invalidRequest.rawValue)
                }
                clientID = audience
            }
            var destination: String?
            if let requested = parameters[returnParameter] {
                guard let clientID, let client = try await clients.client(id: clientID),
                      client.postLogoutRedirectURIs.contains(requested)
                else {
                    return pages.errorResponse(status: .badRequest, title: "Logout failed",
                                               message: "The address to return to after logout is not registered for this application.",
                                               code: OAuthError.Code.invalidRequest.rawValue)
                }
                destination = requested
            }
            if let cookie = ProviderCookies.value(ProviderCookies.session, in: request) {
                try await sessions.endSession(idHash: cookie.sha256Hex, at: clock.now())
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
        let pairs = FormURLEncoding.decode(request.uri.query ?? "") ?? []
        return OAuthParameters(Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }))
    }
}
