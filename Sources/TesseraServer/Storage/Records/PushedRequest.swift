public import TesseraCore

/// An authorization request a client pushed to `POST /oauth/par` (RFC 9126), waiting for the
/// browser to bring its `request_uri` to `/authorize`.
///
/// The `request_uri` is a bearer reference to these parameters, so only its SHA-256 is stored
/// (as codes and tokens are): a read of the database gives no usable reference.
public struct PushedRequest: Sendable, Equatable {
    /// The client that pushed it: only that client's `/authorize` may use it.
    public var clientID: String
    /// The validated parameters, form-encoded, exactly as `/authorize` would have received them.
    public var parameters: String
    public var expiresAt: Int

    public init(clientID: String, parameters: String, expiresAt: Int) {
        self.clientID = clientID
        self.parameters = parameters
        self.expiresAt = expiresAt
    }
}

/// What became of a `request_uri` brought to `/authorize`.
public enum PushedRequestUse: Sendable, Equatable {
    /// Consumed now: its parameters, which nobody can use again.
    case consumed(PushedRequest)
    /// No such reference (never pushed, or already collected).
    case unknown
    /// Pushed by another client than the one named at `/authorize`; left unused.
    case otherClient
    /// Past its lifetime.
    case expired
    /// Already used once (RFC 9126 §4: one-time use).
    case used
}

/// Pushed authorization requests (RFC 9126), for `POST /oauth/par` and `/authorize`.
public protocol PushedRequestStore: Sendable {
    /// Records `request` under the SHA-256 of its reference.
    func insert(_ request: PushedRequest, referenceHash: SecretHash, at now: Int) async throws
    /// Uses the request whose reference hashes to `referenceHash` for `clientID`, atomically:
    /// however many browsers and nodes race with one reference, exactly one gets `.consumed`.
    func usePushedRequest(referenceHash: SecretHash, clientID: String, at now: Int) async throws -> PushedRequestUse
}
