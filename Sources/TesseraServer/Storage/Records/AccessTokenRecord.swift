public import TesseraCore

/// What an access token stands for, as the userinfo, introspection and revocation endpoints see it.
public struct AccessTokenRecord: Sendable {
    public var grant: Grant
    public var scope: Scope
    public var audience: String?
    public var createdAt: Int
    public var expiresAt: Int
    public var revokedAt: Int?
    /// The RFC 7638 thumbprint of the key this token is bound to (RFC 9449 §6): a resource must
    /// see a DPoP proof signed by that key with it. nil for a Bearer token.
    public var dpopThumbprint: String? = nil

    /// Whether the token may still be used at `now`: unexpired, and neither it nor its grant revoked.
    public func isActive(at now: Int) -> Bool {
        now < expiresAt && revokedAt == nil && grant.revokedAt == nil
    }
}
