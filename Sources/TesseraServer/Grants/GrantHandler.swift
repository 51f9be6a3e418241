import TesseraCore

/// One grant type of the token endpoint (RFC 6749 §4–6), in the manner of fosite's handlers: the
/// endpoint authenticates the client, checks it may use the grant type, and hands over.
protocol GrantHandler: Sendable {
    var grantType: GrantType { get }

    /// Answers an authenticated client's token request, or throws its ``OAuthError``.
    /// - Parameters:
    ///   - proof: the request's checked DPoP proof (RFC 9449 §5), nil when it sent none: the
    ///     tokens issued are bound to its key.
    ///   - audit: where the grant records `tokens.issued` once its tokens are committed and signed
    ///     (after its transaction: the exchange's own statements stay as they were), and the
    ///     refusals that are events themselves (a reused refresh token).
    func respond(to request: TokenRequest, client: Client, proof: DPoPProof?, audit: RequestAudit) async throws -> TokenResponse
}
