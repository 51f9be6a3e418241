import Synchronization

/// A value set inside a `@Sendable` closure and read after it returns: how a grant hands the
/// secrets it minted inside the store's transaction back out to the response.
final class Box<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    var value: Value? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

extension Optional {
    /// `flatMap` for an async transform.
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let wrapped = self else { return nil }
        return try await transform(wrapped)
    }
}
