import SQLKit
import TesseraCore

/// The reads and writes behind ``Administration``'s user operations, each write one transaction.
extension SQLStore {
    /// Users oldest first (by the second they were added, then by id); with `email`, only the user with that address (normalized).
    func users(_ request: PageRequest, email: String? = nil) async throws -> ResultPage<User> {
        let filter: SQLQueryString = email.map { " WHERE email = \(bind: User.normalizedEmail($0))" } ?? ""
        return try await page(request, select: "SELECT \(unsafeRaw: userColumns) FROM users" + filter + " ORDER BY created_at, id",
                              count: "SELECT COUNT(*) AS total FROM users" + filter, User.init(row:))
    }

    /// Reads the user under a row lock, passes it to `change`, and writes its name, claims and
    /// `email_verified` — and `passwordHash` when given — with `updated_at` becoming `now`, in one
    /// transaction: nil when there is no such user; nothing is written when `change` throws.
    func updateUser(
        id userID: String, passwordHash: String?, at now: Int, _ change: @escaping @Sendable (User) throws -> User
    ) async throws -> (before: User, after: User)? {
        let lock = lockingClause
        return try await engine.transaction { database in
            guard let before = try await database.raw("""
                SELECT \(unsafeRaw: userColumns) FROM users WHERE id = \(bind: userID)\(lock)
                """).first().map(User.init(row:)) else {
                return nil
            }
            var after = try change(before)
            after.id = before.id
            after.email = before.email
            after.passwordHash = passwordHash ?? before.passwordHash
            after.updatedAt = now
            try await database.raw("""
                UPDATE users SET name = \(bind: after.name), email_verified = \(bind: after.emailVerified ? 1 : 0),
                                 claims = \(bind: User.encodeClaims(after.claims)), password_hash = \(bind: after.passwordHash),
                                 updated_at = \(bind: now)
                WHERE id = \(bind: userID)
                """).run()
            return (before, after)
        }
    }

    /// Ends everything the user has and deletes them, in one transaction: every client with a
    /// back-channel logout URI that holds the user's tokens is queued a logout token first; the
    /// schema's cascades then delete the user's login sessions, grants (with their refresh and
    /// access tokens) and consents. Returns the user as they were, or nil (nothing written) when
    /// there is no such user.
    func deleteUser(id userID: String, at now: Int) async throws -> User? {
        let lock = lockingClause
        return try await engine.transaction { database in
            guard let user = try await database.raw("""
                SELECT \(unsafeRaw: userColumns) FROM users WHERE id = \(bind: userID)\(lock)
                """).first().map(User.init(row:)) else {
                return nil
            }
            try await Self.enqueueBackchannelLogouts(userID: userID, at: now, on: database)
            try await database.raw("DELETE FROM users WHERE id = \(bind: userID)").run()
            return user
        }
    }
}
