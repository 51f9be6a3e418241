import Foundation
import SQLKit
import TesseraCore

/// The columns ``User/init(row:)`` reads.
let userColumns = "id, email, name, email_verified, password_hash, claims, updated_at, created_at"

/// The user's columns of a join, from the table aliased `alias`, each named with the prefix `u_`
/// so they cannot collide with the other table's (see ``User/init(joinedRow:)``).
func joinedUserColumns(_ alias: String) -> String {
    userColumns.split(separator: ", ").map { "\(alias).\($0) AS u_\($0)" }.joined(separator: ", ")
}

extension SQLStore: UserStore {
    public func user(email: String) async throws -> User? {
        let email = User.normalizedEmail(email)
        return try await engine.read { database in
            try await database.raw("""
                SELECT \(unsafeRaw: userColumns) FROM users WHERE email = \(bind: email)
                """).first().map(User.init(row:))
        }
    }

    public func user(id: String) async throws -> User? {
        try await engine.read { database in
            try await database.raw("""
                SELECT \(unsafeRaw: userColumns) FROM users WHERE id = \(bind: id)
                """).first().map(User.init(row:))
        }
    }

    public func insert(_ user: User, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO users (id, email, name, email_verified, password_hash, created_at, claims, updated_at)
                VALUES (\(bind: user.id), \(bind: user.email.lowercased()), \(bind: user.name), \(bind: user.emailVerified ? 1 : 0),
                        \(bind: user.passwordHash), \(bind: now), \(bind: User.encodeClaims(user.claims)), \(bind: now))
                ON CONFLICT DO NOTHING RETURNING id
                """).first() != nil
        }
    }

    public func updateProfile(of user: User, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                UPDATE users SET name = \(bind: user.name), email_verified = \(bind: user.emailVerified ? 1 : 0),
                                 claims = \(bind: User.encodeClaims(user.claims)), updated_at = \(bind: now)
                WHERE id = \(bind: user.id) RETURNING id
                """).first() != nil
        }
    }
}

extension User {
    init(row: any SQLRow) throws {
        try self.init(row: row, prefix: "")
    }

    /// The user of a row that joined ``joinedUserColumns(_:)``; `nil` when the join found none.
    init?(joinedRow row: any SQLRow) throws {
        guard try row.optional("u_id", as: String.self) != nil else { return nil }
        try self.init(row: row, prefix: "u_")
    }

    private init(row: any SQLRow, prefix: String) throws {
        self.init(
            id: try row.value(prefix + "id"),
            email: try row.value(prefix + "email"),
            name: try row.value(prefix + "name"),
            emailVerified: try row.value(prefix + "email_verified", as: Int.self) != 0,
            passwordHash: try row.value(prefix + "password_hash"),
            claims: try JSONDecoder().decode([String: JSONValue].self, from: Data(try row.value(prefix + "claims", as: String.self).utf8)),
            updatedAt: try row.optional(prefix + "updated_at"),
            createdAt: try row.optional(prefix + "created_at")
        )
    }

    /// The ``claims`` column: one JSON object, keys sorted so equal profiles store equal text.
    static func encodeClaims(_ claims: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(claims), as: UTF8.self)
    }
}
