import Foundation
public import TesseraCore

extension OIDCClient {
    /// The signed-in user's claims from the userinfo endpoint, with the access token as a Bearer
    /// token (RFC 6750 §2.1; a DPoP-bound token needs ``userInfo(for:)``, which proves the key).
    /// When `expectedSubject` is given — always, through
    /// ``userInfo(for:)`` — the response must be about that user (OpenID Connect Core §5.3.4), so
    /// a swapped access token cannot pass someone else's profile off as this user's.
    ///
    /// ```swift
    /// let info = try await client.userInfo(accessToken: tokens.accessToken, expectedSubject: claims.subject)
    /// ```
    /// - Throws: ``OAuthError`` `invalid_token` (401) for an expired or revoked token.
    public func userInfo(accessToken: Secret, expectedSubject: String?) async throws -> UserInfo {
        try await userInfo(accessToken: accessToken, boundTo: nil, expectedSubject: expectedSubject)
    }

    /// The claims of the user `tokens` belong to, checked against the id_token's `sub`. A
    /// DPoP-bound access token goes as `Authorization: DPoP` with a proof carrying its hash
    /// (RFC 9449 §7.1), retried once when the provider asks for a nonce.
    public func userInfo(for tokens: TokenSet) async throws -> UserInfo {
        try await userInfo(accessToken: tokens.accessToken, boundTo: try dpopKey(for: tokens),
                           expectedSubject: tokens.idTokenClaims?.subject)
    }

    private func userInfo(accessToken: Secret, boundTo key: DPoPKey?, expectedSubject: String?) async throws -> UserInfo {
        let metadata = try await metadata()
        guard let endpoint = metadata.userinfoEndpoint, let url = URL(string: endpoint) else {
            throw ClientError(.endpointNotAdvertised, "The provider advertises no userinfo_endpoint.")
        }
        let request = TransportRequest(method: .get, url: url, headers: [("Accept", "application/json")],
                                       timeout: configuration.requestTimeout)
        let response = try await send(request, accessToken: accessToken, boundTo: key, operation: "userinfo")
        guard response.status == 200 else {
            throw ProviderErrorResponse.error(from: response, operation: "userinfo request")
        }
        let info = try UserInfo(json: Data(response.body), status: response.status)
        if let expectedSubject, info.subject != expectedSubject {
            throw ClientError(.subjectMismatch, "The userinfo response is about another user.", expected: expectedSubject, actual: info.subject)
        }
        return info
    }
}
