/// How many failed logins are free before each further attempt waits, doubling each time.
///
/// Counted per account (whoever tries it) and per client address (whatever accounts it tries),
/// in the database so that every node enforces the same limit.
public struct LoginThrottlePolicy: Sendable, Equatable {
    /// Failures for one account before the back-off starts.
    public var freeAttemptsPerAccount: Int = 5
    /// Failures from one address before the back-off starts (higher: many users may share a NAT).
    public var freeAttemptsPerAddress: Int = 20
    /// The longest wait imposed, in seconds.
    public var maximumDelay: Int = 900
    /// Failures older than this are forgotten, in seconds.
    public var memory: Int = 3_600

    public init() {}

    /// Seconds to wait after the `failures`-th failure when `free` are allowed: 0 within the
    /// allowance, then 1, 2, 4, … up to ``maximumDelay``.
    public func delay(afterFailures failures: Int, free: Int) -> Int {
        guard failures >= free else { return 0 }
        let exponent = min(failures - free, 20)
        return min(1 << exponent, maximumDelay)
    }
}
