/// What `tessera keys list` and the management API's `/keys/signing` show of a signing key: the
/// public facts only — never key material, sealed or not.
public struct SigningKeyInfo: Sendable, Equatable {
    /// Next (published ahead), current (signs now) or retired (published until its tokens expire).
    public typealias State = SigningKeyRecord.State

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
        state = record.state
        createdAt = record.createdAt
        activatedAt = record.activatedAt
        retiredAt = record.retiredAt
    }
}
