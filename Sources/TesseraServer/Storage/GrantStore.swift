public import TesseraCore

/// What the token endpoint's grants need from storage: a transaction they open, and plain typed
/// operations inside it (as ory/fosite's handlers and node-oidc-provider's grants have it).
///
/// Storage reports what it found — a code consumed, already used, or unknown — and never decides
/// what that means for the client: each grant maps outcomes to its own ``OAuthError``.
public protocol GrantStore: Sendable {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    ///
    /// A grant that must refuse *and* keep what it wrote (a burnt code, a revoked family) returns
    /// its refusal instead of throwing it, and throws only after the commit.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any GrantTransaction) async throws -> Result) async throws -> Result

    /// Runs `body` with each operation committing on its own (see ``SQLEngine/autocommit(_:)``):
    /// for a grant whose every write is one atomic operation that must stand whatever follows.
    /// Consuming a code is one: a code is burnt by any attempt, even one whose tokens then fail
    /// to be written, and on PostgreSQL the exchange is spared BEGIN and COMMIT round trips.
    func autocommit<Result: Sendable>(_ body: @escaping @Sendable (any GrantTransaction) async throws -> Result) async throws -> Result
}

/// The operations of one ``GrantStore`` transaction. Each is one statement where the engine allows.
public protocol GrantTransaction: Sendable {
    /// Consumes a code, and reads in the same statement what the response needs: its grant and the
    /// grant's user. Exactly one caller ever gets `.consumed`, however many nodes race for it.
    func consumeCode(hash: SecretHash, at now: Int) async throws -> CodeConsumption

    /// Rotates a live refresh token out, reading its grant and user in the same transaction.
    /// A token already rotated out is reported with its grant, its row locked until the commit,
    /// so the grant can decide between a graced retry and reuse.
    func rotateRefreshToken(hash: SecretHash, at now: Int) async throws -> RefreshRotation

    /// Marks the unused successor of `hash` rotated out (the grace window's retry supersedes it);
    /// false when that successor was used already, or there is none.
    func supersedeSuccessor(of hash: SecretHash, at now: Int) async throws -> Bool

    /// Revokes a grant and every token under it, and queues its client's back-channel logout;
    /// nothing when it was revoked already.
    func revokeGrant(id: String, at now: Int) async throws

    /// Records a grant that starts without a code (client_credentials).
    func insert(_ grant: Grant) async throws

    /// Records the tokens of a successful request under `grant`, in one statement where the
    /// engine allows, extending the grant's lifetime to its longest-lived token.
    func insert(_ tokens: IssuedTokens, under grant: Grant, at now: Int) async throws
}

/// A grant as a token response needs it: with its user, read in the statement that found it.
public struct GrantWithUser: Sendable {
    public var grant: Grant
    /// `nil` for a machine grant, or a user deleted since.
    public var user: User?
}

/// What consuming an authorization code found.
public enum CodeConsumption: Sendable {
    /// This caller consumed it: the only one who ever will.
    case consumed(GrantWithUser)
    /// It was consumed before (or by a concurrent request).
    case alreadyUsed(Grant)
    /// No code hashes to this.
    case unknown
}

/// What rotating a refresh token found.
public enum RefreshRotation: Sendable {
    /// It was live and is now rotated out by this caller.
    case rotated(RefreshTokenRecord, GrantWithUser)
    /// It was rotated out before; its row stays locked until the transaction ends.
    case alreadyRotated(RefreshTokenRecord, GrantWithUser)
    /// No refresh token hashes to this.
    case unknown
}
