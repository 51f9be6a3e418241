/// A fixed set of resources (database connections), each lent to one task at a time.
///
/// A task that finds every resource busy waits in line; a resource is never used by two tasks
/// at once, which is what a transaction on a single SQLite connection needs.
actor AsyncResourcePool<Resource: Sendable> {
    private var idle: [Resource]
    private var waiters: [CheckedContinuation<Resource, Never>] = []

    init(_ resources: [Resource]) {
        precondition(!resources.isEmpty, "a pool needs at least one resource")
        self.idle = resources
    }

    /// Lends a resource to `body` and takes it back when `body` ends, however it ends.
    nonisolated func withResource<Result: Sendable>(
        _ body: (Resource) async throws -> Result
    ) async throws -> Result {
        let resource = await acquire()
        do {
            let result = try await body(resource)
            await release(resource)
            return result
        } catch {
            await release(resource)
            throw error
        }
    }

    /// Every resource, once all have been returned: for closing them.
    func drain() async -> [Resource] {
        idle
    }

    private func acquire() async -> Resource {
        if let resource = idle.popLast() {
            return resource
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ resource: Resource) {
        if waiters.isEmpty {
            idle.append(resource)
        } else {
            waiters.removeFirst().resume(returning: resource)
        }
    }
}
