import Foundation
public import TesseraCore

extension OIDCClient {
    /// A login URL with fresh state, nonce and PKCE, and the ``PendingAuthorization`` to keep in
    /// the session until the callback.
    ///
    /// When the provider advertises a `pushed_authorization_request_endpoint`, the parameters are
    /// pushed there first (RFC 9126) and the URL carries only `client_id` and `request_uri`;
    /// ``ClientConfiguration/usePushedAuthorization`` `= false` sends them in the URL instead.
    /// With a DPoP key, the request names it as `dpop_jkt` (RFC 9449 §10), binding the code to it.
    ///
    /// ```swift
    /// let request = try await client.authorizationRequest(scope: "openid profile email offline_access",
    ///                                                     additionalParameters: [("prompt", "login")])
    /// ```
    /// - Throws: for a refused push, the provider's ``OAuthError`` (`invalid_request`,
    ///   `invalid_client` with status 401, …).
    public func authorizationRequest(scope: Scope? = nil,
                                     additionalParameters: [(name: String, value: String)] = []) async throws -> AuthorizationRequest {
        let metadata = try await metadata()
        let additionalParameters = bindingCode(additionalParameters)
        guard configuration.usePushedAuthorization, let endpoint = metadata.pushedAuthorizationRequestEndpoint else {
            return try AuthorizationRequest.build(metadata: metadata, configuration: configuration, scope: scope,
                                                  additionalParameters: additionalParameters, now: now())
        }
        let prepared = try AuthorizationRequest.prepare(metadata: metadata, configuration: configuration, scope: scope,
                                                        additionalParameters: additionalParameters, now: now())
        let request = try PushedAuthorization.request(prepared.parameters, endpoint: endpoint, configuration: configuration)
        let pushed = try PushedAuthorization.process(try await send(request, operation: "pushed authorization request"))
        return AuthorizationRequest(url: try PushedAuthorization.browserURL(metadata: metadata, clientID: configuration.clientID, pushed: pushed),
                                    pending: prepared.pending)
    }

    /// Checks a callback's query string against the session (see ``AuthorizationCallback``).
    public func validateCallback(query: String, pending: PendingAuthorization) async throws -> AuthorizationCallback {
        try AuthorizationCallback.validate(query: query, pending: pending, metadata: try await metadata(),
                                           issuerParameter: configuration.issuerParameter)
    }

    /// The callback validated and its code exchanged: the whole of the seed's `/callback` handler.
    ///
    /// ```swift
    /// let tokens = try await client.handleCallback(query: request.uri.query ?? "", pending: pending)
    /// ```
    public func handleCallback(query: String, pending: PendingAuthorization) async throws -> TokenSet {
        try await exchangeCode(try await validateCallback(query: query, pending: pending), pending: pending)
    }
}
