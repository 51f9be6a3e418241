import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// The browser side of the code flow, shared by `GET /authorize` and `POST /login`: validate the
/// authorization request, find or make the login session, and send the browser back to the client
/// with a code.
struct AuthorizationFlow: Sendable {
    let configuration: ProviderConfiguration
    let clients: any ClientStore
    let apis: any APIStore
    let clientGrants: any ClientGrantStore
    let sessions: any SessionStore
    let codes: any AuthorizationCodeStore
    /// What users consented to give third-party clients (``AuthorizationFlow/proceed(_:session:sessionCookie:)``).
    let consents: any ConsentStore
    let pages: Pages
    let cookies: ProviderCookies
    let csrf: CSRFTokens
    let clock: WallClock
    /// Verifies `id_token_hint` (``IDTokenHint``).
    let keyRing: KeyRing

    /// A validated request, or the answer already decided for an invalid one.
    enum Validation {
        case valid(AuthorizationRequest)
        case answered(Response)
    }

    /// Validates the request, mapping a refusal to an error page or an error redirect.
    ///
    /// `query` is the request's parameters form-encoded: the query of a GET, or the body of a
    /// POST (OpenID Connect Core §3.1.2.1), which are read alike.
    func validate(query: String) async throws -> Validation {
        do {
            var authorization = try await AuthorizationRequest.validate(query: query, clients: clients, apis: apis, clientGrants: clientGrants)
            if let hint = authorization.idTokenHint {
                do {
                    authorization.hintedSubject = try await IDTokenHint.subject(of: hint, keyRing: keyRing, issuer: configuration.issuer,
                                                                                clientID: authorization.client.id)
                } catch {
                    return .answered(redirectError(error, for: authorization))
                }
            }
            return .valid(authorization)
        } catch let refusal as AuthorizationRequest.Refusal {
            return .answered(response(for: refusal))
        }
    }

    func response(for refusal: AuthorizationRequest.Refusal) -> Response {
        switch refusal {
        case .untrusted(let message):
            return pages.errorResponse(status: .badRequest, title: "This login link is not valid", message: message,
                                       code: OAuthError.Code.invalidRequest.rawValue)
        case .redirect(let error, let redirectURI, let state, let responseMode):
            return redirectError(error, to: redirectURI, state: state, responseMode: responseMode)
        }
    }

    /// Sends `error` to a trusted redirect URI, in the requested response mode.
    func redirectError(_ error: OAuthError, to redirectURI: String, state: String?, responseMode: ResponseMode = .query) -> Response {
        responseMode.response(redirectURI: redirectURI, parameters: AuthorizationRequest.Refusal.errorParameters(error, state: state),
                              issuer: configuration.issuer, pages: pages)
    }

    /// Sends `error` back to the client of a validated request.
    func redirectError(_ error: OAuthError, for authorization: AuthorizationRequest) -> Response {
        redirectError(error, to: authorization.redirectURI, state: authorization.state, responseMode: authorization.responseMode)
    }

    /// The live session behind the request's cookie, if any.
    func currentSession(of request: Request) async throws -> LoginSession? {
        guard let cookie = cookies.value(.session, in: request) else { return nil }
        return try await sessions.session(idHash: SecretHash(of: cookie), at: clock.now())
    }

    /// Whether `session` satisfies the request without asking for the password again.
    func accepts(_ session: LoginSession, for authorization: AuthorizationRequest) -> Bool {
        if authorization.prompt.contains("login") { return false }
        if let subject = authorization.claims?.requiredSubject, subject != session.userID { return false }
        if let maxAge = authorization.maxAge, clock.now() - session.authTime > maxAge { return false }
        if let hinted = authorization.hintedSubject, hinted != session.userID { return false }
        return true
    }

    /// Issues a code for `session` and redirects to the client (RFC 6749 §4.1.2).
    func issueCode(for authorization: AuthorizationRequest, session: LoginSession) async throws -> Response {
        if let subject = authorization.claims?.requiredSubject, subject != session.userID {
            // OpenID Connect Core §5.5.1: never a code for a user other than the `sub` asked for.
            return redirectError(OAuthError(.accessDenied, "The user who logged in is not the one the claims parameter names (sub)."),
                                 for: authorization)
        }
        let now = clock.now()
        let code = Secret.random()
        let grant = Grant(
            id: Secret.random(byteCount: 16).unredacted,
            clientID: authorization.client.id,
            userID: session.userID,
            scope: authorization.scope,
            audience: authorization.audience,
            nonce: authorization.nonce,
            authTime: session.authTime,
            sid: session.sid,
            redirectURI: authorization.redirectURI,
            codeChallenge: authorization.codeChallenge,
            claims: authorization.claims,
            dpopThumbprint: authorization.dpopThumbprint,
            codeExpiresAt: now + configuration.codeLifetime,
            createdAt: now,
            expiresAt: now + configuration.codeLifetime
        )
        try await codes.insert(grant, codeHash: SecretHash(of: code))
        var parameters: [(name: String, value: String)] = [("code", code.unredacted)]
        if let state = authorization.state { parameters.append(("state", state)) }
        return authorization.responseMode.response(redirectURI: authorization.redirectURI, parameters: parameters,
                                                   issuer: configuration.issuer, pages: pages)
    }

    /// The login form for `authorization`, with a CSRF token signed for the browser's pre-login
    /// cookie `csrf` and this request; a browser without that cookie is given a new one. The email
    /// field shows what the user typed, else the request's `login_hint` (escaped by the template;
    /// shown whether or not such an account exists, so the page tells nothing about accounts).
    func loginPage(for authorization: AuthorizationRequest, csrf existing: Secret?, email: String? = nil,
                   error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let browser = existing ?? Secret.random()
        let page = Pages.Login(
            clientName: authorization.client.name,
            action: "/login",
            csrfToken: csrf.login(browser: browser, authorizationRequest: authorization.rawQuery),
            authorizationRequest: authorization.rawQuery,
            email: email ?? authorization.loginHint ?? "",
            error: error
        )
        var response = Response.html(pages.login(page), status: status)
        if existing == nil {
            response.setCookie(cookies.csrfCookie(browser))
        }
        return response
    }
}
