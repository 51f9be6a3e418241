public import TesseraCore

/// How the provider treats DPoP proofs (RFC 9449): how strict the stateless checks are, and
/// whether every proof must carry a server nonce (`tessera serve --dpop-nonce`).
public struct DPoPSettings: Sendable {
    /// Whether proofs must echo a `DPoP-Nonce` the server handed out (§8). Off by default, as in
    /// Auth0 and Keycloak: nonces cost every client one extra round trip per period.
    public var requireNonce = false
    /// How long one nonce is handed out; the previous one is still accepted for as long again.
    public var nonceLifetime: Duration = .seconds(300)
    /// The `iat` window and the accepted algorithms.
    public var proofPolicy = DPoPProofPolicy()

    public init() {}
}
