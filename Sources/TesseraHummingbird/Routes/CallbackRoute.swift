import Foundation
import Hummingbird
import Logging
import TesseraClient
import TesseraCore

/// The redirect URI's route: the seed's `/callback`, done right.
///
/// 1. The browser's session must hold a login whose `state` is the callback's, compared in
///    constant time; that login is taken out of the session *before* anything else, so the same
///    callback replayed finds nothing.
/// 2. ``OIDCClient/validateCallback(query:pending:)`` checks `iss` and reads `code` or `error`.
/// 3. ``OIDCClient/exchangeCode(_:pending:)`` POSTs the code with the PKCE verifier, server-side,
///    and validates the id_token (signature, issuer, audience, expiry, nonce); with DPoP, proving
///    the login's own key, to which the tokens are then bound.
/// 4. The tokens (and that key) are stored under a new session id; the browser gets only that id.
///
/// Every failure is an HTML page with a "log in again" link (see ``LoginFailure``); the log gets
/// its code, never the query.
struct CallbackRoute: Sendable {
    let sessions: LoginSessions

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let loginPath = sessions.configuration.loginPath
        do {
            return try await finish(request)
        } catch let failure as LoginFailure {
            context.logger.notice("oidc login failed", metadata: ["error.code": "\(failure.code)"])
            return LoginPages.failure(failure, loginPath: loginPath)
        } catch {
            return sessions.storeFailurePage(error, logger: context.logger)
        }
    }

    private func finish(_ request: Request) async throws -> Response {
        let query = request.uri.query ?? ""
        guard var found = try await sessions.find(request) else { throw LoginFailure.noLoginInProgress }
        guard !found.session.pendingLogins.isEmpty else { throw LoginFailure.noLoginInProgress }
        guard let state = FormURLEncoding.decode(query)?.first(where: { $0.name == "state" })?.value,
              let login = found.session.takePendingLogin(state: Secret(state))
        else { throw LoginFailure.unknownState }
        try await sessions.save(found)

        let callback: AuthorizationCallback
        do {
            callback = try await sessions.client.validateCallback(query: query, pending: login.authorization)
        } catch {
            throw LoginFailure.callback(error)
        }
        let tokens: TokenSet
        do {
            tokens = try await sessions.client.withDPoPKey(login.dpopKey).exchangeCode(callback, pending: login.authorization)
        } catch {
            throw LoginFailure.exchange(error)
        }

        try await sessions.remove(found)
        let lifetime = sessions.configuration.sessionLifetime.timeInterval
        let session = OIDCSession(tokens: tokens, pendingLogins: found.session.pendingLogins,
                                  expiresAt: sessions.now.addingTimeInterval(lifetime), dpopKey: login.dpopKey)
        var response = Response.redirect(to: login.returnTo, status: .seeOther)
        response.setCookie(try await sessions.create(session))
        return response
    }
}
