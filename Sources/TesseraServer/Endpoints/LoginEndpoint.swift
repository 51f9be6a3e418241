import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /login`: the login form comes back.
///
/// The CSRF token must be the one signed for this browser's pre-login cookie and this
/// authorization request (login CSRF would log a victim into an attacker's account); the
/// authorization request is validated again from scratch, because the browser could have changed
/// it. A successful login starts a new session with a new id (no session fixation).
struct LoginEndpoint: Sendable {
    let flow: AuthorizationFlow
    let sessions: any SessionStore
    let credentials: PasswordLogin
    let clientAddress: ClientAddressResolver
    let maxBodyBytes: Int
    /// Records every attempt that succeeded or failed, and the first throttled one of each block.
    let audit: AuditLog
    let throttledRecords = ThrottledLoginRecords()

    func respond(to request: Request, context: ProviderRequestContext) async -> Response {
        do {
            let form: OAuthParameters
            switch try await BrowserForm.read(request, limit: maxBodyBytes, pages: flow.pages, title: "Login failed") {
            case .read(let parameters): form = parameters
            case .refused(let response): return response
            }
            let csrfCookie = flow.cookies.value(.csrf, in: request)
            guard let csrfCookie, flow.csrf.verifiesLogin(form["csrf_token"], browser: csrfCookie,
                                                          authorizationRequest: form["authorization_request"] ?? "") else {
                return flow.pages.errorResponse(
                    status: .badRequest, title: "Your login form expired",
                    message: "The form could not be verified (missing or wrong CSRF token). Go back to the application and start the login again.",
                    code: OAuthError.Code.invalidRequest.rawValue)
            }
            let authorization: AuthorizationRequest
            switch try await flow.validate(query: form["authorization_request"] ?? "") {
            case .valid(let valid): authorization = valid
            case .answered(let response): return response
            }
            let email = User.normalizedEmail(form["email"] ?? "")
            let password = Secret(form["password"] ?? "")
            let now = flow.clock.now()
            let address = clientAddress.clientAddress(peer: context.peerAddress, headers: request.headers)
            let events = RequestAudit(log: audit, ipAddress: address?.description)
            let user: User
            switch try await credentials.attempt(email: email, password: password, address: address, now: now) {
            case .authenticated(let authenticated):
                user = authenticated
            case .refused(let userID):
                await events.loginFailed(email: email, userID: userID, clientID: authorization.client.id)
                return flow.loginPage(for: authorization, csrf: csrfCookie, email: email,
                                      error: "Wrong email or password.", status: .unauthorized)
            case .retryAfter(let wait):
                if throttledRecords.isFirst(email: email, address: address?.description, blockedUntil: now + wait, now: now) {
                    // The account is looked up for the log only: the throttle itself never needs it.
                    let known = email.isEmpty ? nil : try await credentials.users.user(email: email)?.id
                    await events.loginThrottled(email: email, userID: known, retryAfter: wait, clientID: authorization.client.id)
                }
                var response = flow.loginPage(for: authorization, csrf: csrfCookie, email: email,
                                              error: "Too many attempts. Try again in \(wait) seconds.", status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
            let cookieValue = Secret.random()
            let session = LoginSession(
                idHash: SecretHash(of: cookieValue),
                sid: Secret.random(byteCount: 16).unredacted,
                userID: user.id,
                authTime: now,
                expiresAt: now + flow.configuration.sessionLifetime
            )
            try await sessions.insert(session, at: now)
            if let previous = flow.cookies.value(.session, in: request) {
                try await sessions.endSession(idHash: SecretHash(of: previous), at: now)
            }
            await events.loginSucceeded(user, clientID: authorization.client.id)
            var response = try await flow.proceed(authorization, session: session, sessionCookie: cookieValue)
            response.setCookie(flow.cookies.sessionCookie(cookieValue))
            return response
        } catch {
            context.logger.error("login failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return flow.pages.errorResponse(status: .internalServerError, title: "Something went wrong",
                                            message: "The login could not be completed. Please try again.")
        }
    }
}
