import Foundation
public import TesseraCore

extension OIDCClient {
    /// A login URL with fresh state, nonce and PKCE, and the ``PendingAuthorization`` to keep in
    /// the session until the callback.
    ///
    /// ```swift
    /// let request = try await client.authorizationRequest(scope: "openid profile email offline_access",
    ///                                                     additionalParameters: [("prompt", "login")])
    /// ```
    public func authorizationRequest(scope: Scope? = nil,
                                     additionalParameters: [(name: String, value: String)] = []) async throws -> AuthorizationRequest {
        try AuthorizationRequest.build(metadata: try await metadata(), configuration: configuration, scope: scope,
                                       additionalParameters: additionalParameters, now: now())
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
