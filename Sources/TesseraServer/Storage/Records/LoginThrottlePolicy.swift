/// How many failed logins are free before each further attempt waits, doubling each time up to a cap.
///
/// Counted per account (whoever tries it) and per client address (whatever accounts it tries),
/// in the database so that every node enforces the same limit. Every attempt is counted before
/// its password is checked, and given back when the password was right.
///
/// The caps keep a throttle from becoming a lock-out: an attacker can hold one account back for at
/// most ``maximumAccountDelay`` at a time (Keycloak's default maximum wait, 15 minutes), and an
/// address shared by many users (a NAT, a proxy not declared trusted) for at most
/// ``maximumAddressDelay``, so a flood from it delays everyone else behind it by a minute at most.
public struct LoginThrottlePolicy: Sendable, Equatable {
    /// Failures for one account before the back-off starts.
    public var freeAttemptsPerAccount: Int = 5
    /// Failures from one address before the back-off starts (higher: many users may share a NAT).
    public var freeAttemptsPerAddress: Int = 20
    /// The longest an account waits, in seconds.
    public var maximumAccountDelay: Int = 900
    /// The longest an address waits, in seconds.
    public var maximumAddressDelay: Int = 60
    /// Failures older than this are forgotten, in seconds.
    public var memory: Int = 3_600

    public init() {}

    /// Seconds to wait after the `failures`-th failure when `free` are allowed: 0 within the
    /// allowance, then 1, 2, 4, … up to `maximum`.
    public func delay(afterFailures failures: Int, free: Int, maximum: Int) -> Int {
        guard failures >= free else { return 0 }
        let exponent = min(failures - free, 30)
        return min(1 << exponent, maximum)
    }
}

/// One throttle counter an attempt is counted against: its key, and how long it is blocked after
/// its `n`-th counted failure (as an absolute time).
public struct LoginThrottleCounter: Sendable {
    public let key: String
    public let blockedUntil: @Sendable (_ failures: Int) -> Int

    public init(key: String, blockedUntil: @escaping @Sendable (_ failures: Int) -> Int) {
        self.key = key
        self.blockedUntil = blockedUntil
    }
}

/// What counting a login attempt found.
public enum LoginAttemptCount: Sendable, Equatable {
    /// Counted against every counter: the password may be checked.
    case counted
    /// A counter is blocked until this time; nothing was counted.
    case blocked(until: Int)
}
