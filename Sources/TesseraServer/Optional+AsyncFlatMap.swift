extension Optional {
    /// `flatMap` for an async transform.
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let wrapped = self else { return nil }
        return try await transform(wrapped)
    }
}
