/// Runs `operation`, cancelling it and throwing ``DeadlineExceeded`` once `limit` has passed: for
/// waits that must not hang a command, such as connecting to a database that never answers.
func withDeadline<Result: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw DeadlineExceeded()
        }
        return result
    }
}

/// The time given to ``withDeadline(_:_:)`` ran out.
struct DeadlineExceeded: Error {}
