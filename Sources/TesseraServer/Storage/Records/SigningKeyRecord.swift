/// A signing key as stored: the private half sealed with the master key, the public half as a JWK.
public struct SigningKeyRecord: Sendable, Equatable {
    /// Where a key is in its life: published ahead (`next`), signing (`current`), or kept in the
    /// JWKS only until every token it signed has expired (`retired`).
    public enum State: String, Sendable {
        case next
        case current
        case retired
    }

    public var kid: String
    public var algorithm: String
    public var state: State
    /// AES-GCM box (base64) of the private key's PKCS#8 DER, under a key derived from the master key.
    public var sealedPrivateKey: String
    /// The public JWK as JSON, published in the JWKS.
    public var publicJWK: String
    public var createdAt: Int
    public var activatedAt: Int?
    public var retiredAt: Int?
}
