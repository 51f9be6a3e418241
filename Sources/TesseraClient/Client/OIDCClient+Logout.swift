public import Foundation
public import TesseraCore

extension OIDCClient {
    /// The provider's `end_session_endpoint` URL for these tokens (OpenID Connect RP-Initiated
    /// Logout): Tessera's `/oidc/logout`, or any provider that advertises one.
    ///
    /// ```swift
    /// session.destroy()
    /// return redirect(to: try await client.endSessionURL(idTokenHint: tokens.idToken,
    ///                                                    postLogoutRedirectURI: "https://app.example/"))
    /// ```
    /// - Throws: `.endpointNotAdvertised` when the provider has no `end_session_endpoint` (Auth0
    ///   without OIDC logout: use ``auth0LogoutURL(returnTo:)``).
    public func endSessionURL(idTokenHint: Secret?, postLogoutRedirectURI: String? = nil, state: String? = nil) async throws -> URL {
        guard let endpoint = try await metadata().endSessionEndpoint else {
            throw ClientError(.endpointNotAdvertised, "The provider advertises no end_session_endpoint.")
        }
        return try LogoutURL.endSession(endpoint: endpoint, clientID: configuration.clientID, idTokenHint: idTokenHint,
                                        postLogoutRedirectURI: postLogoutRedirectURI, state: state)
    }

    /// Auth0's `/v2/logout?client_id=…&returnTo=…` on the issuer's domain.
    public func auth0LogoutURL(returnTo: String?) async throws -> URL {
        try LogoutURL.auth0(issuer: try await metadata().issuer, clientID: configuration.clientID, returnTo: returnTo)
    }
}
