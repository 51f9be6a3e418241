import SQLKit

extension SQLStore: LoginFailureStore {
    /// Thrown inside the transaction to roll back what it counted.
    private struct Blocked: Error {
        let until: Int
    }

    public func countAttempt(_ counters: [LoginThrottleCounter], at now: Int, forgetBefore: Int) async throws -> LoginAttemptCount {
        do {
            try await engine.transaction { database in
                var counts: [Int] = []
                var blockedUntil: Int?
                for counter in counters {
                    // One atomic upsert counts the attempt unless the key is blocked, and answers
                    // with the count and the block it found; the row stays locked (PostgreSQL) or
                    // the writer held (SQLite) until the block for the new count is written below.
                    let row = try await database.raw("""
                        INSERT INTO login_failures (throttle_key, failures, last_failure_at, blocked_until)
                        VALUES (\(bind: counter.key), 1, \(bind: now), 0)
                        ON CONFLICT (throttle_key) DO UPDATE SET
                            failures = CASE WHEN login_failures.blocked_until > \(bind: now) THEN login_failures.failures
                                            WHEN login_failures.last_failure_at < \(bind: forgetBefore) THEN 1
                                            ELSE login_failures.failures + 1 END,
                            last_failure_at = CASE WHEN login_failures.blocked_until > \(bind: now) THEN login_failures.last_failure_at
                                                   ELSE \(bind: now) END
                        RETURNING failures, blocked_until
                        """).first()
                    let until = try row?.value("blocked_until", as: Int.self) ?? 0
                    if until > now { blockedUntil = max(blockedUntil ?? 0, until) }
                    counts.append(try row?.value("failures", as: Int.self) ?? 1)
                }
                if let blockedUntil { throw Blocked(until: blockedUntil) }
                for (counter, count) in zip(counters, counts) {
                    try await database.raw("""
                        UPDATE login_failures SET blocked_until = \(bind: counter.blockedUntil(count)) WHERE throttle_key = \(bind: counter.key)
                        """).run()
                }
            }
            return .counted
        } catch let blocked as Blocked {
            return .blocked(until: blocked.until)
        }
    }

    public func refundAttempt(_ counters: [LoginThrottleCounter]) async throws {
        try await engine.transaction { database in
            for counter in counters {
                guard let row = try await database.raw("""
                    UPDATE login_failures SET failures = failures - 1 WHERE throttle_key = \(bind: counter.key) AND failures > 0
                    RETURNING failures
                    """).first() else { continue }
                let count = try row.value("failures", as: Int.self)
                try await database.raw("""
                    UPDATE login_failures SET blocked_until = \(bind: count == 0 ? 0 : counter.blockedUntil(count)) WHERE throttle_key = \(bind: counter.key)
                    """).run()
            }
        }
    }

    public func clearFailures(key: String) async throws {
        try await engine.transaction { database in
            try await database.raw("DELETE FROM login_failures WHERE throttle_key = \(bind: key)").run()
        }
    }
}
