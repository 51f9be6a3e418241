import Foundation
import Logging
public import TesseraCore

extension OIDCClient {
    /// The seed's POST: exchanges a validated callback's code for tokens, server-side, with the
    /// redirect URI and PKCE verifier of the request that produced it, then validates the id_token
    /// (signature, issuer, audience, expiry, nonce, `at_hash`). With a DPoP key, the POST carries a
    /// proof of it (RFC 9449 §5) and a DPoP-aware provider binds the tokens to it.
    ///
    /// ```swift
    /// do {
    ///     let tokens = try await client.exchangeCode(callback, pending: pending)
    /// } catch let error as OAuthError where error.code == .invalidGrant {
    ///     // Code expired or already used: send the user to log in again.
    /// }
    /// ```
    /// - Throws: ``OAuthError`` when the provider refuses (with its HTTP status: `invalid_client`
    ///   is 401); ``ClientError`` when the response cannot be trusted.
    public func exchangeCode(_ callback: AuthorizationCallback, pending: PendingAuthorization) async throws -> TokenSet {
        let metadata = try await metadata()
        guard pending.issuer == metadata.issuer else {
            throw ClientError(.issuerParameterMismatch, "The login was started with another provider.",
                              expected: metadata.issuer, actual: pending.issuer)
        }
        let tokenRequest = TokenRequest.authorizationCode(code: callback.code, redirectURI: pending.redirectURI,
                                                          codeVerifier: pending.codeVerifier)
        let response = try TokenEndpoint.process(
            try await sendTokenRequest(try TokenEndpoint.request(tokenRequest, metadata: metadata, configuration: configuration),
                                       operation: "authorization_code exchange"))
        let receivedAt = now()
        var claims: IDTokenClaims?
        if let idToken = response.idToken {
            claims = try await validateIDToken(idToken, nonce: pending.nonce, accessToken: response.accessToken, maxAge: pending.maxAge)
        } else if pending.scope.contains("openid") && (response.scope?.contains("openid") ?? true) {
            throw ClientError(.missingIDToken, "The scope includes openid, but the token response has no id_token.")
        }
        return TokenSet(response: response, idTokenClaims: claims, receivedAt: receivedAt, dpopKeyThumbprint: dpopKey?.thumbprint)
    }

    /// Validates an id_token against the provider's JWKS (cached; fetched again at most once per
    /// cool-down when the token names an unknown key) and this client's expectations.
    ///
    /// ```swift
    /// let claims = try await client.validateIDToken(idToken, nonce: pending.nonce, accessToken: tokens.accessToken)
    /// ```
    /// - Parameters:
    ///   - nonce: the session's nonce; `nil` only for an id_token returned by a refresh.
    ///   - subject: the `sub` the token must name, when one is known.
    ///   - maxAge: the `max_age` the authorization request sent, if any.
    public func validateIDToken(_ idToken: Secret, nonce: Secret?, accessToken: Secret? = nil,
                                subject: String? = nil, maxAge: Duration? = nil) async throws -> IDTokenClaims {
        let metadata = try await metadata()
        let expectations = IDTokenExpectations(
            issuer: metadata.issuer, clientID: configuration.clientID,
            allowedAlgorithms: IDTokenExpectations.algorithms(configured: configuration.allowedAlgorithms,
                                                              advertised: metadata.idTokenSigningAlgValuesSupported),
            nonce: nonce, accessToken: accessToken, subject: subject, maxAge: maxAge, clockSkew: configuration.clockSkew)
        return try await withProviderKeys(metadata) { keys in
            try await IDTokenValidator.validate(idToken, keys: keys, expectations: expectations, now: now())
        }
    }

    /// Runs `validate` with the provider's cached JWKS and, when it finds no key for the token,
    /// once more with a refetched set (at most once per cool-down): the provider may have rotated
    /// to a key published after our fetch.
    func withProviderKeys<Claims: Sendable>(
        _ metadata: ProviderMetadata,
        _ validate: (JSONWebKeySet) async throws -> Claims
    ) async throws -> Claims {
        try await jwks.withKeys(uri: metadata.jwksURI, transport: transport, timeout: configuration.requestTimeout, now: now,
                                refetched: { fresh in logger.debug("oidc jwks refetched for an unknown key", metadata: ["keys": "\(fresh.count)"]) },
                                validate)
    }
}
