import SQLKit

extension SQLStore: LoginFailureStore {
    public func blockedUntil(keys: [String], at now: Int) async throws -> Int? {
        try await engine.read { database in
            var latest: Int?
            for key in keys {
                if let row = try await database.raw("""
                    SELECT blocked_until FROM login_failures WHERE throttle_key = \(bind: key) AND blocked_until > \(bind: now)
                    """).first() {
                    latest = max(latest ?? 0, try row.value("blocked_until", as: Int.self))
                }
            }
            return latest
        }
    }

    public func recordFailure(key: String, at now: Int, forgetBefore: Int, blockUntil: @escaping @Sendable (Int) -> Int) async throws {
        try await engine.transaction { database in
            // One atomic upsert counts the failure, whichever node saw it.
            let row = try await database.raw("""
                INSERT INTO login_failures (throttle_key, failures, last_failure_at, blocked_until)
                VALUES (\(bind: key), 1, \(bind: now), 0)
                ON CONFLICT (throttle_key) DO UPDATE SET
                    failures = CASE WHEN login_failures.last_failure_at < \(bind: forgetBefore) THEN 1 ELSE login_failures.failures + 1 END,
                    last_failure_at = \(bind: now)
                RETURNING failures
                """).first()
            let failures = try row?.value("failures", as: Int.self) ?? 1
            try await database.raw("""
                UPDATE login_failures SET blocked_until = \(bind: blockUntil(failures)) WHERE throttle_key = \(bind: key)
                """).run()
        }
    }

    public func clearFailures(key: String) async throws {
        try await engine.transaction { database in
            try await database.raw("DELETE FROM login_failures WHERE throttle_key = \(bind: key)").run()
        }
    }
}
