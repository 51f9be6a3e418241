public import TesseraCore

extension OIDCClient {
    /// Revokes a token at the provider (RFC 7009), authenticated like a token request. Revoking a
    /// refresh token ends the whole grant at Tessera and Auth0: do it at logout.
    ///
    /// ```swift
    /// if let refreshToken = tokens.refreshToken {
    ///     try await client.revoke(refreshToken, hint: .refreshToken)
    /// }
    /// ```
    /// - Throws: `.endpointNotAdvertised` without a `revocation_endpoint`; the provider's
    ///   ``OAuthError`` when it refuses.
    public func revoke(_ token: Secret, hint: TokenTypeHint? = nil) async throws {
        let metadata = try await metadata()
        guard let endpoint = metadata.revocationEndpoint else {
            throw ClientError(.endpointNotAdvertised, "The provider advertises no revocation_endpoint.")
        }
        var parameters: [(name: String, value: String)] = [("token", token.unredacted)]
        if let hint { parameters.append(("token_type_hint", hint.rawValue)) }
        let request = try AuthenticatedPost.request(to: endpoint, parameters: parameters, configuration: configuration)
        let response = try await send(request, operation: "revocation")
        guard response.status == 200 else {
            throw ProviderErrorResponse.error(from: response, operation: "revocation")
        }
    }
}

/// `token_type_hint` (RFC 7009 §2.1): which kind of token is being revoked.
public struct TokenTypeHint: Hashable, Sendable {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let accessToken = TokenTypeHint("access_token")
    public static let refreshToken = TokenTypeHint("refresh_token")
}
