import Foundation
import TesseraCore

/// A validated authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1, RFC 7636).
///
/// Validation runs in the order RFC 6749 §4.1.2.1 requires: first the client and its exact
/// redirect URI — failures there are shown to the user and never redirected, or Tessera would be
/// an open redirector — then everything else, whose failures go back to the client.
struct AuthorizationRequest: Sendable {
    let client: Client
    let redirectURI: String
    let state: String?
    let scope: Scope
    let nonce: String?
    let codeChallenge: String?
    let prompt: Set<String>
    let maxAge: Int?
    let audience: String?
    /// The `claims` parameter (OpenID Connect Core §5.5), kept with the grant.
    let claims: ClaimsRequest?
    /// `dpop_jkt` (RFC 9449 §10): the thumbprint of the DPoP key the code will be bound to.
    let dpopThumbprint: String?
    /// How the answer reaches the client (``ResponseMode``).
    let responseMode: ResponseMode
    /// `login_hint`: pre-fills the login form's email.
    let loginHint: String?
    /// `id_token_hint`, still to be verified by ``AuthorizationFlow`` (``IDTokenHint``).
    let idTokenHint: String?
    /// The user a verified `id_token_hint` names: a session of anyone else is not reused.
    var hintedSubject: String?
    /// The request as received, carried through the login form and validated again on return.
    let rawQuery: String

    /// Why a request was refused, and so where the answer goes.
    enum Refusal: Error {
        /// The client or redirect URI cannot be trusted: show an error page.
        case untrusted(String)
        /// Send the error to the client's redirect URI.
        case redirect(OAuthError, redirectURI: String, state: String?, responseMode: ResponseMode = .query)
    }

    /// The scopes this provider understands; others are dropped from what is granted.
    static let supportedScopes: Scope = "openid profile email address phone offline_access"

    static func validate(query rawQuery: String, clients: any ClientStore, apis: any APIStore,
                         clientGrants: any ClientGrantStore) async throws -> AuthorizationRequest {
        guard let pairs = FormURLEncoding.decode(rawQuery) else {
            throw Refusal.untrusted("The authorization request is malformed.")
        }
        var parameters: [String: String] = [:]
        var repeated: String?
        for (name, value) in pairs where !value.isEmpty {
            if parameters.updateValue(value, forKey: name) != nil, !OAuthParameters.repeatable.contains(name) { repeated = repeated ?? name }
        }
        if let repeated, ["client_id", "redirect_uri"].contains(repeated) {
            throw Refusal.untrusted("The parameter '\(repeated)' was given more than once.")
        }
        for name in ["client_id", "redirect_uri"] {
            if let value = parameters[name], let error = OAuthParameters.controlCharacterError(name: name, value: value) {
                throw Refusal.untrusted(error.description ?? "")
            }
        }
        guard let clientID = parameters["client_id"] else {
            throw Refusal.untrusted("The request is missing the 'client_id' parameter.")
        }
        guard let client = try await clients.client(id: clientID) else {
            throw Refusal.untrusted("The application asking you to log in is not registered here (unknown client_id).")
        }
        guard let redirectURI = parameters["redirect_uri"] else {
            throw Refusal.untrusted("The request is missing the 'redirect_uri' parameter.")
        }
        guard RedirectURIMatcher.isRegistered(redirectURI, for: client) else {
            throw Refusal.untrusted("The redirect_uri is not registered for this application.")
        }

        // From here on the redirect URI is trusted: errors go back to the client.
        let state = parameters["state"]
        // Errors go back in the requested mode when it is one Tessera offers, else in the default.
        let requestedMode = ResponseMode(parameter: parameters["response_mode"])
        func refuse(_ code: OAuthError.Code, _ description: String) -> Refusal {
            sendBack(OAuthError(code, description))
        }
        func sendBack(_ error: OAuthError) -> Refusal {
            .redirect(error, redirectURI: redirectURI, state: state, responseMode: requestedMode ?? .query)
        }
        if let repeated {
            throw refuse(.invalidRequest, "The parameter '\(repeated)' was given more than once.")
        }
        if let error = parameters.lazy.compactMap({ OAuthParameters.controlCharacterError(name: $0.key, value: $0.value) }).first {
            throw sendBack(error)
        }
        guard let responseType = parameters["response_type"] else {
            throw refuse(.invalidRequest, "The request is missing the 'response_type' parameter.")
        }
        guard responseType == "code" else {
            throw refuse(.unsupportedResponseType, "Only response_type=code is supported.")
        }
        guard let responseMode = requestedMode else {
            throw refuse(.invalidRequest, ResponseMode.unsupportedDescription)
        }
        if let error = RequestObjects.refusal(request: parameters["request"], requestURI: parameters["request_uri"]) {
            throw sendBack(error)
        }
        if let error = AuthorizationContext.displayError(parameters["display"]) {
            throw sendBack(error)
        }
        let requested = Scope(parameters["scope"] ?? "")
        guard requested.isWellFormed else {
            throw refuse(.invalidScope, "The scope contains characters RFC 6749 does not allow.")
        }
        if let method = parameters["code_challenge_method"], method != PKCE.method {
            throw refuse(.invalidRequest, "Only code_challenge_method=S256 is supported.")
        }
        let challenge = parameters["code_challenge"]
        if let challenge, !PKCE.isWellFormed(challenge: challenge) {
            throw refuse(.invalidRequest, "The code_challenge must be the 43-character base64url SHA-256 of the verifier.")
        }
        if challenge != nil, parameters["code_challenge_method"] == nil {
            // RFC 7636 would default to `plain`, which Tessera refuses: say so rather than guess.
            throw refuse(.invalidRequest, "The request is missing code_challenge_method=S256.")
        }
        if client.isPublic, challenge == nil {
            throw refuse(.invalidRequest, "Public clients must use PKCE: send code_challenge and code_challenge_method=S256.")
        }
        guard client.allows(.authorizationCode) else {
            throw refuse(.unauthorizedClient, "This client may not use the authorization code flow.")
        }
        let prompt = Set((parameters["prompt"] ?? "").split(separator: " ").map(String.init))
        if prompt.contains("none"), prompt.count > 1 {
            throw refuse(.invalidRequest, "prompt=none cannot be combined with other prompt values.")
        }
        // An API audience (or RFC 8707 resource) adds the permissions the client is granted for it (see APIAccess).
        var scope = requested.intersection(supportedScopes)
        let api = try await ResourceIndicator.api(audience: parameters["audience"], query: pairs, in: apis, refusing: sendBack)
        if let api {
            let access = APIAccess(api: api, grant: try await clientGrants.clientGrant(clientID: client.id, apiIdentifier: api.identifier))
            do {
                scope = try access.userScope(asked: requested, identityScopes: supportedScopes, thirdParty: client.isThirdParty)
            } catch {
                throw sendBack(error)
            }
        }
        var maxAge: Int?
        if let text = parameters["max_age"] {
            guard let value = Int(text), value >= 0 else {
                throw refuse(.invalidRequest, "max_age must be a non-negative number of seconds.")
            }
            maxAge = value
        }
        let claims: ClaimsRequest?
        do {
            claims = try parameters["claims"].map(ClaimsRequest.init(json:))
        } catch {
            throw refuse(.invalidRequest, error.description)
        }
        let dpopThumbprint = parameters["dpop_jkt"]
        if let dpopThumbprint, !DPoPCodeBinding.isThumbprint(dpopThumbprint) {
            throw refuse(.invalidRequest, "dpop_jkt must be a JWK SHA-256 thumbprint (RFC 7638): 43 base64url characters.")
        }
        return AuthorizationRequest(
            client: client,
            redirectURI: redirectURI,
            state: state,
            scope: scope,
            nonce: parameters["nonce"],
            codeChallenge: challenge,
            prompt: prompt,
            maxAge: maxAge,
            audience: api?.identifier,
            claims: claims,
            dpopThumbprint: dpopThumbprint,
            responseMode: responseMode,
            loginHint: parameters["login_hint"],
            idTokenHint: parameters["id_token_hint"],
            rawQuery: rawQuery
        )
    }

    /// The redirect URI with the response parameters added to its query (RFC 6749 §4.1.2),
    /// always with `iss` (RFC 9207) so the client can tell which provider answered.
    static func responseURL(redirectURI: String, parameters: [(name: String, value: String)], issuer: String) -> String {
        let query = FormURLEncoding.encode(parameters + [("iss", issuer)])
        let separator = redirectURI.contains("?") ? "&" : "?"
        if let fragment = redirectURI.firstIndex(of: "#") {
            return String(redirectURI[..<fragment]) + separator + query
        }
        return redirectURI + separator + query
    }
}

extension AuthorizationRequest.Refusal {
    /// The error's parameters for the client (RFC 6749 §4.1.2.1).
    static func errorParameters(_ error: OAuthError, state: String?) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = [("error", error.code.rawValue)]
        if let description = error.description { parameters.append(("error_description", description)) }
        if let state { parameters.append(("state", state)) }
        return parameters
    }
}
