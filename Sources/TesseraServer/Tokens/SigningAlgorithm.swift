/// The JWS algorithms Tessera signs id_tokens and JWT access tokens with.
public enum SigningAlgorithm: String, Sendable, CaseIterable, Codable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 over a 2048-bit key: the default, as Auth0 signs.
    case rs256 = "RS256"
    /// ECDSA over P-256 with SHA-256: much cheaper to sign.
    case es256 = "ES256"
    /// Ed25519 (RFC 8037).
    case edDSA = "EdDSA"
}
