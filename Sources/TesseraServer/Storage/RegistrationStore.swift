public import TesseraCore

/// What dynamic client registration (RFC 7591) and its management (RFC 7592) need from storage:
/// initial access tokens, and clients that registered themselves. Typed outcomes only; the
/// registration endpoint decides what each means on the wire.
public protocol RegistrationStore: Sendable {
    /// Records an initial access token (`tessera registration token create`) by its hash.
    func insertInitialAccessToken(hash: SecretHash, uses: Int, expiresAt: Int, at now: Int) async throws

    /// Whether the token has a use left and has not expired at `now` (a read: nothing is spent).
    func initialAccessTokenIsUsable(hash: SecretHash, at now: Int) async throws -> Bool

    /// Inserts a self-registered client with the hash of its registration access token. With an
    /// initial access token, one of its uses is spent by one conditional UPDATE in the same
    /// transaction: when none is left (or it expired) nothing is written and the answer is
    /// ``InitialAccessTokenSpend/refused``.
    func register(_ client: Client, details: RegistrationDetails, spending initialAccessToken: SecretHash?,
                  at now: Int) async throws -> InitialAccessTokenSpend

    /// A client that registered itself, with what RFC 7592 management needs; nil for a client an
    /// administrator added (it has no registration access token) or no client at all.
    func registeredClient(id: String) async throws -> RegisteredClientRecord?

    /// Replaces a self-registered client's metadata (RFC 7592 §2.2), keeping its id and secret, and
    /// its registration access token's hash with `details`' — only while the stored hash is still
    /// `previousTokenHash`, so of two concurrent calls with one token only one succeeds; false when
    /// there is no such self-registered client or its token changed meanwhile.
    func replaceRegisteredClient(_ client: Client, details: RegistrationDetails, previousTokenHash: SecretHash) async throws -> Bool

    /// Replaces the hash of a client's registration access token, on the same condition.
    func rotateRegistrationToken(clientID: String, from previousTokenHash: SecretHash, to tokenHash: SecretHash) async throws -> Bool

    /// Deletes a self-registered client (RFC 7592 §2.3) and, by cascade, its codes, grants and
    /// tokens; false when there is no such self-registered client.
    func deleteRegisteredClient(id: String) async throws -> Bool
}

/// What a self-registered client has beyond an administrator's client.
public struct RegistrationDetails: Sendable {
    /// The SHA-256 of the registration access token (RFC 7592 §1); the token itself is shown once.
    public var registrationTokenHash: SecretHash
    /// RFC 7591 §2 `token_endpoint_auth_method`, as registered.
    public var authMethod: String
    /// RFC 7591 §2 `scope`, as registered.
    public var scope: Scope?

    public init(registrationTokenHash: SecretHash, authMethod: String, scope: Scope?) {
        self.registrationTokenHash = registrationTokenHash
        self.authMethod = authMethod
        self.scope = scope
    }
}

/// A self-registered client as stored.
public struct RegisteredClientRecord: Sendable {
    public var client: Client
    public var details: RegistrationDetails
    /// When it registered: RFC 7591 §3.2.1 `client_id_issued_at`.
    public var createdAt: Int
}

/// Whether an initial access token paid for a registration.
public enum InitialAccessTokenSpend: Sendable, Equatable {
    /// Registered (and, when a token was given, one of its uses spent).
    case registered
    /// The token was unknown, used up or expired: nothing was written.
    case refused
}
