public import Foundation
import Synchronization

/// Where a server records the proofs it accepted, so that each is accepted once (RFC 9449 §11.1):
/// the provider keeps its records in the database, shared by every node; a resource server
/// defaults to ``MemoryDPoPReplayGuard``.
public protocol DPoPReplayGuard: Sendable {
    /// Records `proof` until `keptUntil`; false when it was already recorded — a replay.
    func firstUse(of proof: DPoPProof, keptUntil: Date) async throws -> Bool
}

/// Replay records in this process's memory: enough for a single node, or for nodes behind a load
/// balancer that pins a client to one of them; a proof replayed at another node is not seen.
///
/// Bounded: past `capacity` records, the ones expiring soonest are dropped first, which can only
/// forget proofs near the end of their window. A flood of fresh proofs cannot grow memory.
public final class MemoryDPoPReplayGuard: DPoPReplayGuard {
    private let records: Mutex<[String: Date]>
    private let capacity: Int

    public init(capacity: Int = 100_000) {
        self.records = Mutex([:])
        self.capacity = max(1, capacity)
    }

    /// How many records are held.
    public var count: Int { records.withLock(\.count) }

    public func firstUse(of proof: DPoPProof, keptUntil: Date) async throws -> Bool {
        firstUse(proof.replayKey, keptUntil: keptUntil, now: Date())
    }

    func firstUse(_ key: String, keptUntil: Date, now: Date) -> Bool {
        records.withLock { records in
            if let expiry = records[key], expiry > now { return false }
            if records.count >= capacity {
                records = records.filter { $0.value > now }
                if records.count >= capacity {
                    let soonest = records.sorted { $0.value < $1.value }.prefix(records.count - capacity + 1)
                    for (key, _) in soonest { records[key] = nil }
                }
            }
            records[key] = keptUntil
            return true
        }
    }
}
