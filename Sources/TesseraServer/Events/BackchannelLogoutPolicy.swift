/// How logout tokens are delivered (OpenID Connect Back-Channel Logout 1.0 §2.5): off the request
/// path, each with a timeout, retried a bounded number of times with a doubling delay.
///
/// The defaults try 5 times over about 2½ minutes (10, 20, 40, 80 s between attempts). Tests
/// shorten the delays; keep them in production, so a client's endpoint that is briefly down is
/// not hammered.
public struct BackchannelLogoutPolicy: Sendable {
    /// How often a node looks for logout tokens due.
    public var pollInterval: Duration = .seconds(1)
    /// The longest one POST may take.
    public var timeout: Duration = .seconds(5)
    /// Attempts per logout token before it is given up (with a warning).
    public var maxAttempts: Int = 5
    /// The wait before the second attempt, doubled before each further one.
    public var retryDelay: Duration = .seconds(10)
    /// Logout tokens claimed, and sent concurrently, per round.
    public var batchSize: Int = 16

    public init() {}

    /// When the attempt after `attempts` failed ones is due.
    func nextAttempt(after attempts: Int, now: Int) -> Int {
        now + Int(retryDelay.components.seconds) << min(max(attempts - 1, 0), 20)
    }

    /// Until when a node holds the rows it claimed: past that, a node that crashed mid-delivery
    /// loses them to another.
    func leaseEnd(now: Int) -> Int {
        now + Int(timeout.components.seconds) + 30
    }
}
