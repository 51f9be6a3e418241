/// A logout token still to be delivered to one client (OpenID Connect Back-Channel Logout 1.0):
/// who logged out (`subject`, `sid`), and where to tell, as claimed by one node for one attempt.
///
/// The token itself is not stored: it is signed at delivery time with the key that signs then.
public struct PendingBackchannelLogout: Sendable, Equatable {
    public var id: String
    public var clientID: String
    /// The client's `backchannel_logout_uri` when the row was claimed.
    public var uri: String
    /// The client's id_token algorithm: the logout token is signed as its id_tokens are.
    public var idTokenAlgorithm: String
    public var subject: String
    public var sid: String?
    /// Attempts made so far, this one included.
    public var attempts: Int
}

/// The durable queue of logout tokens, shared by every node through the database.
///
/// Rows are written by the storage operations that end sessions or revoke grants, in their own
/// transaction (``SessionStore/endSession(idHash:at:)``, code and refresh-token reuse, revocation),
/// so a session never ends without its clients being queued.
public protocol BackchannelLogoutStore: Sendable {
    /// Claims up to `limit` rows due at `now` and not leased by another node, leasing them until
    /// `leasedUntil` and counting the attempt. One node gets each row, however many poll at once.
    func claimBackchannelLogouts(at now: Int, leasedUntil: Int, limit: Int) async throws -> [PendingBackchannelLogout]
    /// Forgets a row: delivered, or given up.
    func deleteBackchannelLogout(id: String) async throws
    /// Releases a row for another attempt at `nextAttemptAt`.
    func retryBackchannelLogout(id: String, at nextAttemptAt: Int) async throws
}
