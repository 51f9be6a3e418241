import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// The step between authentication and the code for third-party clients (OpenID Connect Core
/// §3.1.2.4): the consent page, or `consent_required` for `prompt=none` (``ConsentPolicy``).
extension AuthorizationFlow {
    /// What an authenticated user gets for `authorization`: the code, the consent page, or
    /// `consent_required`. `sessionCookie` is the cookie of `session`, which the consent form's
    /// CSRF token is signed for.
    func proceed(_ authorization: AuthorizationRequest, session: LoginSession, sessionCookie: Secret) async throws -> Response {
        guard authorization.client.isThirdParty else {
            return try await issueCode(for: authorization, session: session)
        }
        let remembered = try await consents.consent(userID: session.userID, clientID: authorization.client.id, audience: authorization.audience)
        switch ConsentPolicy.decide(client: authorization.client, scope: authorization.scope, prompt: authorization.prompt, remembered: remembered) {
        case .granted:
            return try await issueCode(for: authorization, session: session)
        case .required:
            return redirectError(OAuthError(.consentRequired, "The user has not consented to what this application asks for."),
                                 for: authorization)
        case .ask:
            return try await consentPage(for: authorization, sessionCookie: sessionCookie)
        }
    }

    /// Remembers the user's approval of `authorization` and issues its code.
    func approve(_ authorization: AuthorizationRequest, session: LoginSession) async throws -> Response {
        let now = clock.now()
        let previously = try await consents.consent(userID: session.userID, clientID: authorization.client.id, audience: authorization.audience)
        try await consents.remember(Consent(
            userID: session.userID, clientID: authorization.client.id, audience: authorization.audience,
            scope: ConsentPolicy.remembered(after: authorization.scope, previously: previously),
            createdAt: previously?.createdAt ?? now, updatedAt: now))
        return try await issueCode(for: authorization, session: session)
    }

    /// The consent page: the client by name, the identity scopes in words, the API and its
    /// permissions asked for, in the API's words where it gives them (all escaped by the template).
    func consentPage(for authorization: AuthorizationRequest, sessionCookie: Secret) async throws -> Response {
        var identity: [Pages.Consent.IdentityScope] = []
        var permissions: [String] = []
        for scope in authorization.scope.tokens {
            if let description = ConsentPolicy.wording(of: scope) {
                identity.append(.init(scope: scope, description: description))
            } else {
                permissions.append(scope)
            }
        }
        let api = try await authorization.audience.asyncFlatMap { try await apis.api(identifier: $0) }
        let page = Pages.Consent(
            clientName: authorization.client.name,
            identity: identity,
            api: api.map { api in
                .init(name: api.name, identifier: api.identifier,
                      permissions: permissions.map { .init(scope: $0, description: api.scopeDescriptions[$0]) })
            },
            csrfToken: csrf.consent(session: sessionCookie, authorizationRequest: authorization.rawQuery),
            authorizationRequest: authorization.rawQuery
        )
        return .html(pages.consent(page))
    }
}
