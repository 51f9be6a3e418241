import Foundation
import Hummingbird
import Logging
import TesseraClient
import TesseraCore

/// `GET /login?return_to=/path`: sends the browser to the provider with a fresh state, nonce and
/// PKCE challenge, keeping them server-side in the browser's session until the callback — and,
/// when the client uses DPoP, a fresh DPoP key for this login alone.
///
/// A browser already logged in goes straight to `return_to`. Each tab's login is kept separately
/// (up to ``OIDCLoginConfiguration/maximumPendingLogins``), so two tabs logging in at once do not
/// spoil each other's callback.
struct LoginRoute: Sendable {
    let sessions: LoginSessions

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let configuration = sessions.configuration
        let query = FormURLEncoding.decode(request.uri.query ?? "") ?? []
        let returnTo = ReturnPath.sanitized(query.first { $0.name == "return_to" }?.value, fallback: configuration.afterLoginPath,
                                            excluding: [configuration.loginPath, configuration.logoutPath, sessions.callbackPath])
        let found: LoginSessions.Found?
        do {
            found = try await sessions.find(request)
        } catch {
            return sessions.storeFailurePage(error, logger: context.logger)
        }
        if found?.session.tokens != nil {
            return .redirect(to: returnTo, status: .seeOther)
        }
        let authorization: AuthorizationRequest
        let dpopKey = sessions.newDPoPKey()
        do {
            authorization = try await sessions.client.withDPoPKey(dpopKey).authorizationRequest(
                scope: configuration.scope, additionalParameters: configuration.additionalAuthorizationParameters)
        } catch {
            context.logger.warning("oidc login could not start", metadata: ["error.code": "\(LoginSessions.code(of: error))"])
            return LoginPages.failure(.providerUnavailable(error), loginPath: configuration.loginPath)
        }
        let login = PendingLogin(authorization: authorization.pending, returnTo: returnTo, dpopKey: dpopKey)
        let expiresAt = sessions.now.addingTimeInterval(configuration.loginTimeout.timeInterval)
        var response = Response.redirect(to: authorization.url.absoluteString, status: .found)
        do {
            if var found {
                found.session.dropPendingLogins(olderThan: configuration.loginTimeout, now: sessions.now)
                found.session.addPendingLogin(login, limit: configuration.maximumPendingLogins)
                found.session.expiresAt = max(found.session.expiresAt, expiresAt)
                try await sessions.save(found)
                response.setCookie(sessions.cookie.setting(found.id, lifetime: configuration.loginTimeout))
            } else {
                response.setCookie(try await sessions.create(OIDCSession(pendingLogins: [login], expiresAt: expiresAt)))
            }
        } catch {
            return sessions.storeFailurePage(error, logger: context.logger)
        }
        return response
    }
}
