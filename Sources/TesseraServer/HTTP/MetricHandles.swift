import Synchronization

/// Metric handles (`Counter`, `Timer`) made once per series and reused.
///
/// Making one asks the metrics backend to validate the names and find the series under its lock,
/// and allocates: three times on every token request before this cache. A series is cached up to
/// `limit` of them (labels are few — route patterns, methods, statuses, grant types and error
/// codes); past the limit a handle is made per use, as before, so memory stays bounded whatever
/// methods a client invents.
final class MetricHandles<Key: Hashable & Sendable, Handle: Sendable>: Sendable {
    private let handles = Mutex<[Key: Handle]>([:])
    private let limit: Int
    private let make: @Sendable (Key) -> Handle

    init(limit: Int = 256, make: @escaping @Sendable (Key) -> Handle) {
        self.limit = limit
        self.make = make
    }

    /// The handle of `key`'s series.
    func callAsFunction(_ key: Key) -> Handle {
        if let handle = handles.withLock({ $0[key] }) { return handle }
        let handle = make(key)
        handles.withLock { if $0.count < limit, $0[key] == nil { $0[key] = handle } }
        return handle
    }
}
