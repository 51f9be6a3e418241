import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /oauth/par` (RFC 9126): a client pushes its authorization request over the back channel
/// and gets a short-lived, single-use `request_uri` to send the browser to `/authorize` with.
///
/// The client authenticates exactly as at the token endpoint, and the parameters pass exactly the
/// validation `/authorize` applies (``AuthorizationRequest/validate(query:clients:apis:clientGrants:)``);
/// but every refusal is a JSON error to the client (RFC 9126 §2.3), never a redirect, since no
/// browser is waiting. What is stored is the parameter string `/authorize` will validate again,
/// under the SHA-256 of the reference.
///
/// A `DPoP` proof sent with the push binds the code to its key, as a `dpop_jkt` parameter would
/// (RFC 9449 §10.1): the stored request carries the proof's thumbprint as its `dpop_jkt`.
struct PushedAuthorizationEndpoint: Sendable {
    static let path = "/oauth/par"
    /// How long a reference lives: RFC 9126 §2.2 suggests 5 to 600 seconds; a browser is redirected
    /// at once, so a minute is plenty and leaves little time to anyone who copies it.
    static let lifetime = 60
    /// Parameters that authenticate the client: they are not part of the authorization request.
    static let credentialParameters: Set<String> = ["client_secret"]

    let authenticator: ClientAuthenticator
    let flow: AuthorizationFlow
    let pushedRequests: any PushedRequestStore
    let dpop: DPoPProofCheck
    /// This endpoint's public URL, as discovery advertises it: what a proof's `htu` must name.
    let url: String
    let clock: WallClock
    let maxBodyBytes: Int

    func respond(to request: Request, context: some RequestContext) async -> Response {
        dpop.withNonce(await answer(request, context: context))
    }

    private func answer(_ request: Request, context: some RequestContext) async -> Response {
        if let refusal = BackChannelPost.refusal(of: request, endpoint: "pushed authorization request endpoint") { return refusal }
        do {
            let parameters = try await OAuthRequestBody.parameters(of: request, limit: maxBodyBytes)
            let client = try await authenticator.authenticate(authorization: request.headers[.authorization], parameters: parameters)
            // A pushed request cannot point at another one (RFC 9126 §2.1).
            if parameters["request_uri"] != nil {
                throw OAuthError(.invalidRequest, "A pushed authorization request cannot contain request_uri.")
            }
            let proof = try await dpop.proof(in: request, method: .post, url: url)
            let binding = try DPoPCodeBinding.pushed(parameter: parameters["dpop_jkt"], proof: proof)
            let query = Self.authorizationQuery(parameters, clientID: client.id, dpopThumbprint: binding)
            do {
                _ = try await flow.checkAuthorizationRequest(query: query)
            } catch let refusal as AuthorizationRequest.Refusal {
                throw refusal.oauthError
            }
            let reference = Secret.random()
            let now = clock.now()
            try await pushedRequests.insert(PushedRequest(clientID: client.id, parameters: query, expiresAt: now + Self.lifetime),
                                            referenceHash: SecretHash(of: reference), at: now)
            let answer = PushedAuthorizationResponse(
                requestURI: Secret(PushedAuthorizationResponse.requestURIPrefix + reference.unredacted), expiresIn: Self.lifetime)
            return .json(answer, status: .created)
        } catch {
            return OAuthFailureResponse.response(for: error, operation: "pushed authorization request", logger: context.logger)
        }
    }

    /// The pushed parameters as the query `/authorize` would have received, without the client's
    /// credentials and with its `client_id` (Basic authentication may leave it out of the body),
    /// and the `dpop_jkt` the code is to be bound to.
    static func authorizationQuery(_ parameters: OAuthParameters, clientID: String, dpopThumbprint: String?) -> String {
        var pairs: [(name: String, value: String)] = [("client_id", clientID)]
        if let dpopThumbprint { pairs.append(("dpop_jkt", dpopThumbprint)) }
        for name in parameters.names.sorted() where !["client_id", "dpop_jkt"].contains(name) && !credentialParameters.contains(name) {
            // Every value of a repeatable parameter (RFC 8707 `resource`), for /authorize to judge.
            pairs += parameters.values(of: name).map { (name, $0) }
        }
        return FormURLEncoding.encode(pairs)
    }
}

extension AuthorizationFlow {
    /// The validation `/authorize` applies, with its refusal left for the caller to answer.
    func checkAuthorizationRequest(query: String) async throws -> AuthorizationRequest {
        try await AuthorizationRequest.validate(query: query, clients: clients, apis: apis, clientGrants: clientGrants)
    }
}

extension AuthorizationRequest.Refusal {
    /// The refusal as a JSON error for a client that is not a browser (RFC 9126 §2.3): what would
    /// have been an error page is `invalid_request`; what would have been redirected keeps its code.
    var oauthError: OAuthError {
        switch self {
        case .untrusted(let message): OAuthError(.invalidRequest, message)
        case .redirect(let error, _, _, _): error
        }
    }
}
