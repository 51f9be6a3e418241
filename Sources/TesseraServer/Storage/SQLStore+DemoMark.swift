import SQLKit

/// Which databases belong to `tessera demo`.
///
/// The demo adds a login whose password is printed and public. It may do so only in a database
/// of its own: one it found empty (no client, no user) and marked, never one `tessera serve`
/// runs on — and `serve` refuses a marked one.
extension SQLStore {
    /// Whether `tessera demo` marked this database as its own.
    public func isDemoDatabase() async throws -> Bool {
        try await engine.read { database in
            try await database.raw("SELECT name FROM installation_marks WHERE name = 'demo'").first() != nil
        }
    }

    /// Marks the database as the demo's if it is empty; true when it is (now) the demo's, false
    /// when it holds clients or users of a real installation.
    public func claimForDemo(at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            if try await database.raw("SELECT name FROM installation_marks WHERE name = 'demo'").first() != nil {
                return true
            }
            let inUse = try await database.raw("""
                SELECT 1 AS used FROM clients UNION ALL SELECT 1 AS used FROM users LIMIT 1
                """).first() != nil
            guard !inUse else { return false }
            try await database.raw("INSERT INTO installation_marks (name, created_at) VALUES ('demo', \(bind: now))").run()
            return true
        }
    }
}
