public import TesseraCore

/// A browser's login at the provider (the SSO session behind the session cookie).
public struct LoginSession: Sendable, Equatable {
    /// SHA-256 hex of the cookie value; the cookie value itself is never stored.
    public var idHash: SecretHash
    /// The public session id, sent as the `sid` claim (it reveals nothing about the cookie).
    public var sid: String
    public var userID: String
    /// When the user last typed their password: the `auth_time` claim.
    public var authTime: Int
    public var expiresAt: Int

    public init(idHash: SecretHash, sid: String, userID: String, authTime: Int, expiresAt: Int) {
        self.idHash = idHash
        self.sid = sid
        self.userID = userID
        self.authTime = authTime
        self.expiresAt = expiresAt
    }
}
