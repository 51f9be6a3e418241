import TesseraCore

/// Exponential back-off on failed logins, per account and per client address (see
/// ``LoginThrottlePolicy``).
///
/// An attempt is counted *before* its password is checked, atomically in the database: forty
/// parallel guesses find forty counts, not forty reads of a count none of them has raised yet.
/// A blocked attempt costs no bcrypt and learns nothing; a right password gives its count back.
struct LoginThrottle: Sendable {
    let failures: any LoginFailureStore
    let policy: LoginThrottlePolicy

    /// The counters one attempt counts against. The email (already ``User/normalizedEmail(_:)``)
    /// is hashed: the throttle table holds no addresses. An IPv6 client counts by its /64, the
    /// block one subscriber is usually given, so a fresh address per guess is no fresh budget.
    struct Keys: Sendable {
        let account: String
        let address: String

        init(email: String, address: IPAddress?) {
            self.account = "account:" + SecretHash(of: Secret(email)).hex
            self.address = "address:" + Self.client(address)
        }

        /// The client an address counts as: an IPv4 address, or an IPv6 address's /64.
        static func client(_ address: IPAddress?) -> String {
            address.map { $0.isIPv4 ? $0.description : "\($0.masked(to: 64))/64" } ?? "unknown"
        }
    }

    /// Counts the attempt; the seconds to wait instead when the account or the address is blocked
    /// (then nothing was counted).
    func admit(_ keys: Keys, now: Int) async throws -> Int? {
        let counters = [accountCounter(keys, now: now), addressCounter(keys, now: now)]
        switch try await failures.countAttempt(counters, at: now, forgetBefore: now - policy.memory) {
        case .counted: return nil
        case .blocked(let until): return max(until - now, 1)
        }
    }

    /// Gives back an attempt whose password was never checked.
    func refund(_ keys: Keys, now: Int) async throws {
        try await failures.refundAttempt([accountCounter(keys, now: now), addressCounter(keys, now: now)])
    }

    /// The password was right: the account's failures are cleared, and the address gets this
    /// attempt back (only this one: a right password must not reset an attacker's count across
    /// other accounts).
    func succeeded(_ keys: Keys, now: Int) async throws {
        try await failures.clearFailures(key: keys.account)
        try await failures.refundAttempt([addressCounter(keys, now: now)])
    }

    private func accountCounter(_ keys: Keys, now: Int) -> LoginThrottleCounter {
        let policy = self.policy
        return LoginThrottleCounter(key: keys.account) {
            now + policy.delay(afterFailures: $0, free: policy.freeAttemptsPerAccount, maximum: policy.maximumAccountDelay)
        }
    }

    private func addressCounter(_ keys: Keys, now: Int) -> LoginThrottleCounter {
        let policy = self.policy
        return LoginThrottleCounter(key: keys.address) {
            now + policy.delay(afterFailures: $0, free: policy.freeAttemptsPerAddress, maximum: policy.maximumAddressDelay)
        }
    }
}
