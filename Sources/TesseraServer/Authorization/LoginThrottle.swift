import TesseraCore

/// Exponential back-off on failed logins, per account and per client address (see
/// ``LoginThrottlePolicy``). Checked before the password, so a blocked attacker learns nothing
/// and costs no bcrypt.
struct LoginThrottle: Sendable {
    let failures: any LoginFailureStore
    let policy: LoginThrottlePolicy

    /// The keys one attempt counts against. The email is hashed: the throttle table holds no addresses.
    static func keys(email: String, address: String) -> (account: String, address: String) {
        ("account:" + Secret(email.lowercased()).sha256Hex, "address:" + address)
    }

    /// Seconds the caller must wait before trying again, or nil when it may try now.
    func retryAfter(email: String, address: String, now: Int) async throws -> Int? {
        let keys = Self.keys(email: email, address: address)
        return try await failures.blockedUntil(keys: [keys.account, keys.address], at: now).map { $0 - now }
    }

    func recordFailure(email: String, address: String, now: Int) async throws {
        let keys = Self.keys(email: email, address: address)
        let policy = self.policy
        for (key, free) in [(keys.account, policy.freeAttemptsPerAccount), (keys.address, policy.freeAttemptsPerAddress)] {
            try await failures.recordFailure(key: key, at: now, forgetBefore: now - policy.memory) { count in
                now + policy.delay(afterFailures: count, free: free)
            }
        }
    }

    /// A successful login clears the account's failures (not the address's: one right password
    /// must not reset an attacker's count across other accounts).
    func recordSuccess(email: String) async throws {
        try await failures.clearFailures(key: Self.keys(email: email, address: "").account)
    }
}
