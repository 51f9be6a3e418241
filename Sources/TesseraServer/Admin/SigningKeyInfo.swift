/// What `tessera keys list` and the management API's `/keys/signing` show of a signing key: the
/// public facts only — never key material, sealed or not.
public struct SigningKeyInfo: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Published ahead in the JWKS; signs after the next rotation.
        case next
        /// Signs now.
        case current
        /// Published until the tokens it signed have expired.
        case retired
    }

    public var kid: String
    /// RS256, ES256 or EdDSA.
    public var algorithm: String
    public var state: State
    /// Unix seconds.
    public var createdAt: Int
    /// When it started signing; nil while it is next.
    public var activatedAt: Int?
    /// When it stopped signing; nil unless retired.
    public var retiredAt: Int?

    init(_ record: SigningKeyRecord) {
        kid = record.kid
        algorithm = record.algorithm
        state = State(rawValue: record.state.rawValue) ?? .retired
        createdAt = record.createdAt
        activatedAt = record.activatedAt
        retiredAt = record.retiredAt
    }
}
