/// The JWS algorithms a DPoP proof may be signed with (RFC 9449 §4.2): asymmetric only, because
/// the proof's point is that only the holder of the private key can make one. `none` and HMAC
/// are never on the list — an HMAC "proof" made with a public key proves nothing.
public enum DPoPAlgorithm: String, Sendable, CaseIterable {
    case es256 = "ES256"
    case edDSA = "EdDSA"
    case rs256 = "RS256"

    /// The names discovery advertises as `dpop_signing_alg_values_supported` and a resource
    /// server's challenge as `algs`.
    public static let supportedNames: [String] = allCases.map(\.rawValue)
}
