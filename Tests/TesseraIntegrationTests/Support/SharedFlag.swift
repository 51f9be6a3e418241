import Synchronization

/// A fact one task states and others wait for, so a test orders its steps by events (a node has
/// answered, a process was killed) rather than by sleeps a slow machine outruns. Waiting polls
/// every two milliseconds: a handful of tasks, a few milliseconds each.
final class SharedFlag: Sendable {
    private let value = Atomic(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() { value.store(true, ordering: .relaxed) }

    /// Returns once the flag is set, or after `limit` (a step that never comes fails the test's
    /// expectations instead of hanging it).
    func wait(atMost limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while !isSet, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
    }
}
