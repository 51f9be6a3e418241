import Synchronization

/// At most ``RegistrationPolicy/perAddressPerMinute`` registrations per client address per
/// minute, in this process: registration writes a row per request, and an open endpoint must not
/// let one machine fill the clients table.
///
/// Counts are per fixed minute and forgotten when the minute turns, so memory holds at most one
/// minute's addresses — and never more than ``RegistrationPolicy/trackedAddresses``: addresses
/// beyond that share one overflow count, so a flood from many addresses is held to the same limit
/// instead of growing the table. An IPv6 client counts by its /64, as the login throttle does.
/// Per process, not per cluster: N nodes allow N times the limit, a bound still.
final class RegistrationThrottle: Sendable {
    private struct Window {
        var minute = Int.min
        var counts: [String: Int] = [:]
    }

    private let limit: Int
    private let capacity: Int
    private let window = Mutex(Window())
    static let overflowKey = "overflow"

    init(policy: RegistrationPolicy) {
        self.limit = max(policy.perAddressPerMinute, 1)
        self.capacity = max(policy.trackedAddresses, 1)
    }

    /// Counts one registration from `address` at `now` (Unix seconds); the seconds to wait
    /// instead (nothing counted) when the address used up this minute's registrations.
    func admit(_ address: IPAddress?, now: Int) -> Int? {
        let minute = now / 60
        return window.withLock { window in
            if window.minute != minute {
                window = Window(minute: minute, counts: [:])
            }
            var key = LoginThrottle.Keys.client(address)
            if window.counts[key] == nil, window.counts.count >= capacity {
                key = Self.overflowKey
            }
            let count = window.counts[key, default: 0]
            guard count < limit else { return (minute + 1) * 60 - now }
            window.counts[key] = count + 1
            return nil
        }
    }

    /// How many addresses this minute's window holds (for tests of the bound).
    var trackedCount: Int { window.withLock { $0.counts.count } }
}
