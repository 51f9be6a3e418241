import Synchronization

/// The accounts whose password is being checked in this process right now, so that each has at
/// most one check in flight: a burst of parallel guesses for one account costs one bcrypt at a
/// time here, whatever the database count allows (that count holds across nodes).
final class AccountsInFlight: Sendable {
    private let keys = Mutex<Set<String>>([])

    /// Marks `key` in flight; false when it already is.
    func enter(_ key: String) -> Bool {
        keys.withLock { $0.insert(key).inserted }
    }

    func leave(_ key: String) {
        _ = keys.withLock { $0.remove(key) }
    }
}
