import Foundation

/// A map whose entries each carry a deadline, bounded in size: past its deadline an entry is
/// gone, and beyond `capacity` the oldest inserted goes first. The bookkeeping the logout
/// tokens' replay cache and the introspection cache share; callers wrap it in an actor.
///
/// Eviction walks a queue of insertions, so each insert costs amortised O(1) however many
/// entries have lapsed; a re-inserted key leaves its older queue slot stale, skipped on the way.
struct ExpiringCache<Key: Hashable, Value> {
    private var entries: [Key: (value: Value, until: Date, generation: Int)] = [:]
    /// Insertion order, for eviction; slots whose generation no longer matches are stale.
    private var order: [(key: Key, generation: Int)] = []
    private var head = 0
    private var generation = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value of `key`, if it is there and its deadline is after `now`.
    func value(for key: Key, now: Date) -> Value? {
        guard let entry = entries[key], now < entry.until else { return nil }
        return entry.value
    }

    /// Keeps `value` for `key` until `until`, dropping whatever has lapsed and, past capacity, the oldest.
    mutating func insert(_ value: Value, for key: Key, until: Date, now: Date) {
        generation += 1
        entries[key] = (value, until, generation)
        order.append((key, generation))
        // Oldest first: drop what is stale, expired, or one too many.
        while head < order.count {
            let oldest = order[head]
            let live = entries[oldest.key].flatMap { $0.generation == oldest.generation ? $0 : nil }
            if let live, live.until > now, entries.count <= capacity { break }
            head += 1
            if live != nil { entries[oldest.key] = nil }
        }
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
