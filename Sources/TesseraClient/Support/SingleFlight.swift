import Foundation

/// Runs at most one operation per key at a time: callers that ask while it runs wait for it and
/// share its result (or its error). A successful result is then kept for `retention`, and callers
/// within it get that result without running anything.
///
/// Discovery uses it as a cache with a maximum age, so a burst of first requests makes one fetch.
/// Refresh uses it keyed by the refresh token, so fifty concurrent requests of one session make one
/// token request — and a caller that read the session just before the refresh finished, and still
/// holds the now-rotated refresh token, gets the new tokens instead of replaying the old one (which
/// a provider with reuse detection answers by revoking the whole family). A key an operation used
/// up (`spends`: the token was rotated) is remembered after its result lapses, and running it again
/// throws ``SingleFlightSpent`` rather than replaying it.
///
/// The check, the join and the bookkeeping happen inside the actor between suspension points, so
/// no caller can slip between a finished flight and its recorded result.
actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private let retention: Duration
    private let spends: @Sendable (Key, Value) -> Bool
    private var inFlight: [Key: Task<Value, any Error>] = [:]
    private var results: [Key: (value: Value, at: Date)] = [:]
    private var spent: SpentKeys<Key>

    /// - Parameters:
    ///   - spends: whether a finished operation used its key up, so it must never run again.
    ///   - spentCapacity: how many used-up keys are remembered (the oldest are forgotten first).
    init(retention: Duration, spends: @escaping @Sendable (Key, Value) -> Bool = { _, _ in false }, spentCapacity: Int = 10_000) {
        self.retention = retention
        self.spends = spends
        self.spent = SpentKeys(capacity: spentCapacity)
    }

    func run(_ key: Key, now: Date, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        results = results.filter { now < $0.value.at.adding(retention) }
        if let kept = results[key] {
            return kept.value
        }
        if let running = inFlight[key] {
            return try await running.value
        }
        guard !spent.contains(key) else {
            throw SingleFlightSpent()
        }
        let task = Task { try await operation() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let value = try await task.value
        if retention > .zero {
            results[key] = (value, now)
        }
        if spends(key, value) {
            spent.insert(key)
        }
        return value
    }
}

/// A key an earlier operation used up, asked for again after its shared result lapsed.
struct SingleFlightSpent: Error {}

/// The newest `capacity` keys inserted: a set with a bounded memory.
private struct SpentKeys<Key: Hashable> {
    private let capacity: Int
    private var members: Set<Key> = []
    private var ring: [Key] = []
    private var oldest = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    func contains(_ key: Key) -> Bool { members.contains(key) }

    mutating func insert(_ key: Key) {
        guard capacity > 0, members.insert(key).inserted else { return }
        if ring.count < capacity {
            ring.append(key)
        } else {
            members.remove(ring[oldest])
            ring[oldest] = key
            oldest = (oldest + 1) % capacity
        }
    }
}

extension HTTPTransport {
    /// Sends `request`, turning any error that is not already a ``ClientError`` into
    /// `.transportFailed`, so callers see one error vocabulary whatever the transport.
    func sendWrappingErrors(_ request: TransportRequest) async throws -> TransportResponse {
        do {
            return try await send(request)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.transportFailed, "\(request) failed: \(String(describing: type(of: error))).")
        }
    }
}

extension Date {
    /// The date `duration` later.
    func adding(_ duration: Duration) -> Date {
        let (seconds, attoseconds) = duration.components
        return addingTimeInterval(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
    }
}
