import Foundation
import TesseraCore

/// Pushed authorization requests (RFC 9126) as pure steps: build the POST, read its answer, and
/// make the browser's URL from it.
///
/// The parameters go to the provider over the back channel, authenticated like a token request;
/// the browser is sent with only `client_id` and the single-use `request_uri`, so the request can
/// be neither read nor altered in the URL. ``OIDCClient/authorizationRequest(scope:additionalParameters:)``
/// takes this path whenever the provider advertises the endpoint, unless
/// ``ClientConfiguration/usePushedAuthorization`` is false.
///
/// ```swift
/// let post = try PushedAuthorization.request(parameters, endpoint: endpoint, configuration: configuration)
/// let pushed = try PushedAuthorization.process(try await transport.send(post))
/// let url = try PushedAuthorization.browserURL(metadata: metadata, clientID: configuration.clientID, pushed: pushed)
/// ```
enum PushedAuthorization {
    /// The POST of an authorization request's `parameters` to `endpoint`, form-encoded as §2.1
    /// asks; the client's identity and credentials go where its configuration puts them.
    static func request(_ parameters: [(name: String, value: String)], endpoint: String,
                        configuration: ClientConfiguration) throws(ClientError) -> TransportRequest {
        try AuthenticatedPost.request(to: endpoint, parameters: parameters.filter { $0.name != "client_id" },
                                      configuration: configuration, formEncoded: true)
    }

    /// The `request_uri` of a 201 answer (§2.2).
    /// - Throws: the provider's ``OAuthError`` (`invalid_request`, `invalid_client` with 401, …)
    ///   for an error answer (§2.3); `.malformedResponse` for a success without a usable reference.
    static func process(_ response: TransportResponse) throws -> PushedAuthorizationResponse {
        guard response.status == 201 || response.status == 200 else {
            throw ProviderErrorResponse.error(from: response, operation: "pushed authorization request")
        }
        let pushed = try decodeJSON(PushedAuthorizationResponse.self, from: response.body, status: response.status,
                                    what: "The pushed authorization response")
        guard !pushed.requestURI.isEmpty, pushed.expiresIn > 0 else {
            throw ClientError(.malformedResponse, "The pushed authorization response has an empty request_uri or no lifetime.",
                              status: response.status)
        }
        return pushed
    }

    /// The authorization endpoint with only `client_id` and `request_uri` (§4).
    static func browserURL(metadata: ProviderMetadata, clientID: String, pushed: PushedAuthorizationResponse) throws(ClientError) -> URL {
        try AuthorizationRequest.url(endpoint: metadata.authorizationEndpoint,
                                     parameters: [("client_id", clientID), ("request_uri", pushed.requestURI.unredacted)])
    }
}
