import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraClient
import TesseraCore

/// `POST /logout`: ends the login here and at the provider.
///
/// The session is forgotten and its cookie cleared; the refresh token is revoked (RFC 7009), which
/// at Tessera and Auth0 ends the whole grant; then the browser goes to the provider's end-session
/// endpoint with the id_token as `id_token_hint` and the configured post-logout redirect URI, so
/// the provider's own session ends too — or to ``OIDCLoginConfiguration/afterLogoutPath`` when
/// the provider advertises none.
///
/// A POST whose `Origin` is another site is refused (403), and the session cookie is SameSite=Lax,
/// so another site cannot log the user out; `GET /logout` shows a button that posts.
struct LogoutRoute: Sendable {
    let sessions: LoginSessions

    func confirm(_ request: Request, context: some RequestContext) -> Response {
        LoginPages.confirmLogout(logoutPath: sessions.configuration.logoutPath)
    }

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let configuration = sessions.configuration
        if let origin = request.headers[.origin], origin != sessions.origin {
            context.logger.notice("oidc logout refused: cross-origin post")
            return .page(LoginPages.document(title: "Logout refused", body: "<p>A logout must come from this site's own page.</p>"),
                         status: .forbidden)
        }
        var destination = configuration.afterLogoutPath
        do {
            if let found = try await sessions.find(request) {
                try await sessions.remove(found)
                if let tokens = found.session.tokens {
                    destination = await endAtProvider(tokens, logger: context.logger) ?? destination
                }
            }
        } catch {
            return sessions.storeFailurePage(error, logger: context.logger)
        }
        var response = Response.redirect(to: destination, status: .seeOther)
        if sessions.cookie.id(in: request) != nil {
            response.setCookie(sessions.cookie.cleared())
        }
        return response
    }

    /// Revokes the refresh token and returns the provider's end-session URL, when it has one.
    /// Neither failing stops the logout: the local session is already gone.
    private func endAtProvider(_ tokens: TokenSet, logger: Logger) async -> String? {
        let client = sessions.client
        if let refreshToken = tokens.refreshToken {
            do {
                try await client.revoke(refreshToken, hint: .refreshToken)
            } catch {
                logger.warning("oidc logout: refresh token not revoked", metadata: ["error.code": "\(LoginSessions.code(of: error))"])
            }
        }
        do {
            return try await client.endSessionURL(idTokenHint: tokens.idToken,
                                                  postLogoutRedirectURI: sessions.configuration.postLogoutRedirectURI).absoluteString
        } catch let error as ClientError where error.code == .endpointNotAdvertised {
            return nil
        } catch {
            logger.warning("oidc logout: no end-session URL", metadata: ["error.code": "\(LoginSessions.code(of: error))"])
            return nil
        }
    }
}
