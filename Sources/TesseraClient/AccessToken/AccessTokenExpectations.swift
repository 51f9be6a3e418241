/// What an access token must say to open this API (RFC 9068 §4): who must have issued it, for
/// which API, signed how, and how far the issuer's clock may be from ours.
///
/// ```swift
/// let expectations = AccessTokenExpectations(issuer: "https://tenant.auth0.com/", audience: "https://api.example.com")
/// let token = try await AccessTokenValidator.validate(bearer, keys: keys, expectations: expectations, now: Date())
/// ```
public struct AccessTokenExpectations: Sendable {
    /// The authorization server's issuer, exactly (`iss`).
    public var issuer: String
    /// This API's identifier: it must be one of the token's `aud` values, so a token minted for
    /// another API of the same issuer does not open this one.
    public var audience: String
    /// The JWS algorithms accepted. Only asymmetric ones ever are, whatever is listed here: with
    /// HMAC, the "secret" could be the issuer's public key, which anyone can read.
    public var allowedAlgorithms: Set<String>
    /// Tolerance for the issuer's clock when checking `exp`, `nbf` and `iat`.
    public var clockSkew: Duration

    public init(issuer: String, audience: String,
                allowedAlgorithms: Set<String> = IDTokenExpectations.verifiableAlgorithms, clockSkew: Duration = .seconds(30)) {
        self.issuer = issuer
        self.audience = audience
        self.allowedAlgorithms = allowedAlgorithms
        self.clockSkew = clockSkew
    }
}
