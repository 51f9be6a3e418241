import Foundation
public import TesseraCore

/// The token endpoint (RFC 6749 §3.2) as two pure steps: build the POST, process the answer.
///
/// The POST is the seed's: `grant_type`, `client_id`, `client_secret`, `code`, `redirect_uri`
/// and `code_verifier` — with the credentials where the configured ``ClientAuthentication`` puts
/// them, in the body of a POST and never in a URL.
///
/// ```swift
/// let request = try TokenEndpoint.request(.authorizationCode(code: callback.code, redirectURI: pending.redirectURI,
///                                                           codeVerifier: pending.codeVerifier),
///                                         metadata: metadata, configuration: configuration)
/// let tokens = try TokenEndpoint.process(try await transport.send(request))
/// ```
public enum TokenEndpoint {
    /// The POST for `tokenRequest` (whose own client fields are ignored: the configuration decides).
    public static func request(_ tokenRequest: TokenRequest, metadata: ProviderMetadata,
                               configuration: ClientConfiguration) throws(ClientError) -> TransportRequest {
        var tokenRequest = tokenRequest
        tokenRequest.clientID = nil
        tokenRequest.clientSecret = nil
        return try AuthenticatedPost.request(to: metadata.tokenEndpoint, parameters: tokenRequest.formParameters,
                                             configuration: configuration)
    }

    /// The tokens of a 200 response, exactly the seed's JSON.
    /// - Throws: the provider's ``OAuthError`` (`invalid_grant`, `invalid_client` with status 401,
    ///   …) for an error response; `.malformedResponse` for a body that is not a token response.
    public static func process(_ response: TransportResponse) throws -> TokenResponse {
        guard response.status == 200 else {
            throw ProviderErrorResponse.error(from: response, operation: "token request")
        }
        let tokens = try decodeJSON(TokenResponse.self, from: response.body, status: response.status, what: "The token response")
        guard !tokens.accessToken.isEmpty else {
            throw ClientError(.malformedResponse, "The token response has an empty access_token.", status: response.status)
        }
        guard !tokens.tokenType.isEmpty else {
            throw ClientError(.malformedResponse, "The token response has an empty token_type.", status: response.status)
        }
        return tokens
    }
}
