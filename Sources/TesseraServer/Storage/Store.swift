public import TesseraCore

// What the provider needs from storage, in its own words, split by who needs it (as fosite does):
// each endpoint and grant depends only on the part it uses. ``SQLStore`` implements all of them on
// SQLite and PostgreSQL alike.

/// Registered applications.
public protocol ClientStore: Sendable {
    func client(id: String) async throws -> Client?
    func insert(_ client: Client, at now: Int) async throws
}

/// Resource servers that access tokens can be issued for.
public protocol APIStore: Sendable {
    func api(identifier: String) async throws -> API?
    /// Stores a new API; false, writing nothing, when one with its identifier exists (another
    /// request added it since the caller looked).
    func insert(_ api: API, at now: Int) async throws -> Bool
}

/// Which clients may get tokens for which APIs, with which permissions (Auth0's client grants).
public protocol ClientGrantStore: Sendable {
    /// The grant of `clientID` for the API `apiIdentifier`, if an administrator made one.
    func clientGrant(clientID: String, apiIdentifier: String) async throws -> ClientGrant?
    /// Every client grant, by client and API.
    func clientGrants() async throws -> [ClientGrant]
    /// Stores a new grant; false, writing nothing, when the client already has one for the API.
    func insert(_ grant: ClientGrant, at now: Int) async throws -> Bool
    /// Removes the grant of `clientID` for `apiIdentifier`; false when there was none.
    func deleteClientGrant(clientID: String, apiIdentifier: String) async throws -> Bool
}

/// People who log in.
public protocol UserStore: Sendable {
    func user(email: String) async throws -> User?
    func user(id: String) async throws -> User?
    /// Stores a new user; false, writing nothing, when the email (or id) is taken.
    func insert(_ user: User, at now: Int) async throws -> Bool
    /// Stores the user's name, `email_verified` and other claims, `updated_at` becoming `now`;
    /// false when there is no such user.
    func updateProfile(of user: User, at now: Int) async throws -> Bool
}

/// Login attempts, for throttling (see ``LoginThrottlePolicy``).
public protocol LoginFailureStore: Sendable {
    /// Counts one attempt against every counter in one transaction, before the password is
    /// checked, so that parallel attempts cannot all pass a check made before any was counted.
    /// When any counter is blocked at `now`, nothing is counted and the answer says until when.
    /// Counts older than `forgetBefore` start again from one.
    func countAttempt(_ counters: [LoginThrottleCounter], at now: Int, forgetBefore: Int) async throws -> LoginAttemptCount
    /// Takes back one attempt counted by ``countAttempt(_:at:forgetBefore:)`` (the password was
    /// right, or never checked), unblocking the counters as far as the lower count allows.
    func refundAttempt(_ counters: [LoginThrottleCounter]) async throws
    /// Forgets the failures of `key` (after a successful login).
    func clearFailures(key: String) async throws
}

/// Login sessions behind the provider's session cookie.
public protocol SessionStore: Sendable {
    func insert(_ session: LoginSession, at now: Int) async throws
    /// The session whose cookie hashes to `idHash`, if it is live at `now`.
    func session(idHash: SecretHash, at now: Int) async throws -> LoginSession?
    /// Ends the session; false when it had ended already (or never existed), so a logout that
    /// ended nothing is not recorded as one.
    @discardableResult
    func endSession(idHash: SecretHash, at now: Int) async throws -> Bool
}

/// Authorization codes, stored as the grant they will start.
public protocol AuthorizationCodeStore: Sendable {
    /// Records a grant whose code hashes to `codeHash`.
    func insert(_ grant: Grant, codeHash: SecretHash) async throws
}

/// Refresh tokens as the revocation and introspection endpoints see them.
public protocol RefreshTokenStore: Sendable {
    /// A refresh token and its grant, as stored, whatever its state (for introspection).
    func refreshToken(hash: SecretHash) async throws -> (token: RefreshTokenRecord, grant: Grant)?

    /// Revokes the grant of a refresh token issued to `clientID`; false when there is none.
    func revokeGrant(ofRefreshTokenHash tokenHash: SecretHash, clientID: String, at now: Int) async throws -> Bool
}

/// Access tokens, looked up by the resource endpoints.
public protocol AccessTokenStore: Sendable {
    func accessToken(hash: SecretHash) async throws -> AccessTokenRecord?
    /// Revokes one access token issued to `clientID`; false when there is none.
    func revokeAccessToken(hash: SecretHash, clientID: String, at now: Int) async throws -> Bool
}

/// Signing keys, shared by every node through the database.
public protocol SigningKeyStore: Sendable {
    /// Every key still published: next, current, and retired ones not yet past `retiredBefore`.
    func signingKeys(retiredAfter: Int) async throws -> [SigningKeyRecord]
    func insert(_ key: SigningKeyRecord) async throws
    /// Inserts each of `candidates` whose algorithm has no key in its state yet, one process at a
    /// time, so that nodes starting at once on an empty database agree on one current and one next
    /// key per algorithm. Returns how many it inserted.
    @discardableResult
    func insertMissing(_ candidates: [SigningKeyRecord]) async throws -> Int
    /// Retires the current key of `newNext.algorithm`, promotes its next key, and publishes `newNext`,
    /// in one transaction under the migration lock, so nodes rotating at once rotate once. With
    /// `onlyIfActivatedBefore`, nothing happens unless the current key is that old (scheduled
    /// rotation). Returns the newly current key's kid, or nil when nothing was rotated.
    func rotateSigningKeys(publishing newNext: SigningKeyRecord, at now: Int, onlyIfActivatedBefore: Int?) async throws -> String?
}

/// The database as a whole.
public protocol StoreHealth: Sendable {
    /// Throws unless the database answers.
    func ping() async throws
}

/// A refresh token as stored.
public struct RefreshTokenRecord: Sendable {
    public var hash: SecretHash
    public var grantID: String
    public var scope: Scope
    public var createdAt: Int
    public var expiresAt: Int
    /// When it was exchanged for its successor; `nil` while it is the live token.
    public var rotatedAt: Int?
    /// The thumbprint of the key it is bound to (RFC 9449 §5): refreshing it takes a DPoP proof
    /// signed by that key. Only a public client's tokens are bound; nil otherwise.
    public var dpopThumbprint: String? = nil

    /// Whether it may still be used at `now` under `grant`.
    public func isActive(at now: Int, grant: Grant) -> Bool {
        rotatedAt == nil && now < expiresAt && grant.revokedAt == nil
    }
}
