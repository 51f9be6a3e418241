public import Foundation
public import TesseraCore

extension OIDCClient {
    /// The headers that present `tokens`' access token to an API for one request: `Bearer`, or for
    /// DPoP-bound tokens `Authorization: DPoP …` with a fresh proof of this request's `method` and
    /// `url` (RFC 9449 §7.1), carrying the API's last `DPoP-Nonce` when it sent one.
    ///
    /// For an app that sends with its own HTTP client; ``send(_:with:)`` also retries once when the
    /// API asks for a nonce. Pass a nonce the API answers with to ``rememberDPoPNonce(_:from:)``.
    ///
    /// ```swift
    /// let headers = try await client.authorizationHeaders(method: "DELETE", url: itemURL, tokens: session.tokens)
    /// ```
    /// - Throws: `.invalidConfiguration` for DPoP-bound tokens when this client holds no key or
    ///   another one than they are bound to.
    public func authorizationHeaders(method: String, url: URL, tokens: TokenSet) async throws -> AuthorizationHeaders {
        guard let key = try dpopKey(for: tokens) else {
            return AuthorizationHeaders(authorization: Secret("Bearer " + tokens.accessToken.unredacted), dpop: nil)
        }
        let nonce = await dpopNonces.nonce(for: DPoPNonces.origin(of: url))
        let proof = try key.proof(method: method.uppercased(), url: Self.targetURI(url), accessToken: tokens.accessToken,
                                  nonce: nonce, issuedAt: now())
        return AuthorizationHeaders(authorization: Secret("DPoP " + tokens.accessToken.unredacted), dpop: proof)
    }

    /// Sends `request` to an API with `tokens`' access token, the one line an app needs for a
    /// DPoP-protected API: the right `Authorization` header, a proof made for this request, and
    /// one retry with a fresh proof when the API answers `401` with `WWW-Authenticate: DPoP
    /// error="use_dpop_nonce"` (RFC 9449 §9). Never more than one retry. The response is returned
    /// as it is, whatever its status.
    ///
    /// ```swift
    /// let response = try await client.send(TransportRequest(method: .get, url: ordersURL), with: session.tokens)
    /// ```
    public func send(_ request: TransportRequest, with tokens: TokenSet) async throws -> TransportResponse {
        try await send(request, accessToken: tokens.accessToken, boundTo: try dpopKey(for: tokens), operation: "resource request")
    }

    /// Keeps the `DPoP-Nonce` a server answered with, for the next proof sent to its origin: for
    /// responses this client did not receive itself (see ``authorizationHeaders(method:url:tokens:)``).
    ///
    /// ```swift
    /// if let nonce = response.headers["DPoP-Nonce"].first { await client.rememberDPoPNonce(nonce, from: apiURL) }
    /// ```
    public func rememberDPoPNonce(_ nonce: String, from url: URL) async {
        await dpopNonces.remember(nonce, for: DPoPNonces.origin(of: url))
    }
}
