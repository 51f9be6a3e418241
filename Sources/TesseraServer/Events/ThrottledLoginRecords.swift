import Synchronization

/// Decides which throttled login attempts reach the audit trail: the first of each block, not
/// every one. A blocked attempt costs the attacker nothing (no password is checked), so recording
/// each would let a flood write rows at the rate it sends requests and fill the database. A block
/// is known by its end (`now + Retry-After`, the same for every attempt it refuses) and by the
/// address or the account it holds back: one event per address and per account per block, on each
/// node, says all the operator needs.
final class ThrottledLoginRecords: Sendable {
    /// (who, blocked until) pairs already recorded, with the second they stop mattering.
    private let recorded = Mutex<[String: Int]>([:])
    /// Past this many live blocks, the oldest memory goes first; a forgotten block is recorded
    /// once more at worst.
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Whether the attempt of `email` from `address`, blocked until `blockedUntil`, is the first
    /// this node has seen of its block (by address or by account), and so should be recorded.
    func isFirst(email: String, address: String?, blockedUntil: Int, now: Int) -> Bool {
        let keys = ["account:\(email)|\(blockedUntil)"] + (address.map { ["address:\($0)|\(blockedUntil)"] } ?? [])
        return recorded.withLock { recorded in
            if keys.contains(where: { recorded[$0] != nil }) { return false }
            if recorded.count + keys.count > capacity {
                recorded = recorded.filter { $0.value > now }
                while recorded.count + keys.count > capacity, let oldest = recorded.min(by: { $0.value < $1.value })?.key {
                    recorded[oldest] = nil
                }
            }
            for key in keys { recorded[key] = blockedUntil }
            return true
        }
    }
}
