import HTTPTypes
import Hummingbird
import Logging
import TesseraCore

/// `POST /oauth/token`, in the order DESIGN.md gives: method, body, client authentication, the
/// DPoP proof, grant type, then the grant's own checks. Every refusal is an RFC 6749 §5.2 or RFC
/// 9449 error; nothing a client sends can produce a 5xx.
///
/// A request with a `DPoP` header (RFC 9449 §5) gets tokens bound to the proof's key; one without
/// gets Bearer tokens, exactly as before DPoP. With server nonces on (`serve --dpop-nonce`), every
/// answer, success or error, carries the current `DPoP-Nonce` (§8).
struct TokenEndpoint: Sendable {
    let authenticator: ClientAuthenticator
    let grants: [GrantType: any GrantHandler]
    let dpop: DPoPProofCheck
    /// This endpoint's public URL, as discovery advertises it: what a proof's `htu` must name.
    /// Never built from the request's `Host`, which the client controls.
    let url: String
    let maxBodyBytes: Int
    /// Where the grants record `tokens.issued` and `refresh_token.reused`.
    let audit: EndpointAudit

    func respond(to request: Request, context: ProviderRequestContext) async -> Response {
        dpop.withNonce(await answer(request, context: context))
    }

    private func answer(_ request: Request, context: ProviderRequestContext) async -> Response {
        if let refusal = BackChannelPost.refusal(of: request, endpoint: "token endpoint") { return refusal }
        var triedBasic = false
        do {
            let parameters = try await OAuthRequestBody.parameters(of: request, limit: maxBodyBytes)
            let client = try await authenticator.authenticate(authorization: request.headers[.authorization], parameters: parameters)
            triedBasic = request.headers[.authorization] != nil
            // RFC 9449 §5: nil without a DPoP header; a bad, replayed or nonce-less proof throws.
            let proof = try await dpop.proof(in: request, method: .post, url: url)
            try client.requireDPoPProof(proof)
            let tokenRequest = try TokenRequest(parameters)
            guard let handler = grants[tokenRequest.grantType] else {
                throw OAuthError(.unsupportedGrantType, "The grant type '\(tokenRequest.grantType.rawValue.prefix(64))' is not supported.")
            }
            guard client.allows(tokenRequest.grantType) else {
                throw OAuthError(.unauthorizedClient, "This client may not use the '\(tokenRequest.grantType.rawValue)' grant type.")
            }
            let response = try await handler.respond(to: tokenRequest, client: client, proof: proof, audit: audit.request(request, context: context))
            TokenMetrics.issued(handler.grantType.rawValue)
            return .json(bytes: response.jsonBytes, noStore: true)
        } catch {
            TokenMetrics.refused(OAuthFailureResponse.code(of: error).rawValue)
            return OAuthFailureResponse.response(for: error, triedBasic: triedBasic, operation: "token request", logger: context.logger)
        }
    }
}

extension Response {
    /// The response with one more header.
    func with(header name: HTTPField.Name, _ value: String) -> Response {
        var response = self
        response.headers[name] = value
        return response
    }
}
