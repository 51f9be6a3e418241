import SQLKit

extension SQLStore: UserStore {
    public func user(email: String) async throws -> User? {
        let email = User.normalizedEmail(email)
        return try await engine.read { database in
            try await database.raw("""
                SELECT id, email, name, email_verified, password_hash FROM users WHERE email = \(bind: email)
                """).first().map(User.init(row:))
        }
    }

    public func user(id: String) async throws -> User? {
        try await engine.read { database in
            try await database.raw("""
                SELECT id, email, name, email_verified, password_hash FROM users WHERE id = \(bind: id)
                """).first().map(User.init(row:))
        }
    }

    public func insert(_ user: User, at now: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO users (id, email, name, email_verified, password_hash, created_at)
                VALUES (\(bind: user.id), \(bind: user.email.lowercased()), \(bind: user.name), \(bind: user.emailVerified ? 1 : 0),
                        \(bind: user.passwordHash), \(bind: now))
                """).run()
        }
    }
}

extension User {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.value("id"),
            email: try row.value("email"),
            name: try row.value("name"),
            emailVerified: try row.value("email_verified", as: Int.self) != 0,
            passwordHash: try row.value("password_hash")
        )
    }
}
