import NIOPosix
import SQLKit
import Synchronization

/// SQLite's single writer, committing many transactions at once (group commit).
///
/// Every write transaction of the process queues here. Whoever finds the queue idle starts a
/// drain: it opens one `BEGIN IMMEDIATE`, runs each queued transaction in a savepoint of its own
/// (so one that throws is rolled back alone), commits once, and only then answers each caller.
/// Transactions that queued meanwhile make the next batch. With no contention a batch is one
/// transaction and nothing waits; under load, a commit — WAL frames written for every page an
/// exchange touched, then one fsync of the WAL (`synchronous = FULL`) — is paid once for the batch
/// instead of once per exchange, and the pages the batch's rows share are written once. No caller
/// hears of its transaction before that fsync returns, so an answered exchange survives a crash
/// or a power cut. Each transaction still runs alone and in order, so consuming a code stays
/// exactly-once.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let body: @Sendable (any SQLDatabase) async throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct Queue {
        var jobs: [Job] = []
        var draining = false
    }

    /// The most transactions one commit takes: bounds how long the first in a batch waits.
    private static let maximumBatch = 128

    private let database: SQLiteSQLDatabase
    private let queue = Mutex(Queue())

    init(database: SQLiteSQLDatabase) {
        self.database = database
    }

    /// Runs `body` in a transaction of its own, committed (possibly with others) before this returns.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let job = Job(body: { try await body($0) }, continuation: continuation)
            let startsDrain = queue.withLock { queue in
                queue.jobs.append(job)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if startsDrain {
                Task { await self.drain() }
            }
        }
        guard let result = value as? Result else { throw SQLiteFailure(message: "a transaction returned an unexpected type") }
        return result
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { queue -> [Job] in
                let batch = Array(queue.jobs.prefix(Self.maximumBatch))
                queue.jobs.removeFirst(batch.count)
                if batch.isEmpty { queue.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Job]) async {
        var results: [Result<any Sendable, any Error>] = []
        do {
            // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
            try await database.raw("BEGIN IMMEDIATE").run()
            for job in batch {
                try await database.raw("SAVEPOINT job").run()
                do {
                    results.append(.success(try await job.body(database)))
                    try await database.raw("RELEASE job").run()
                } catch {
                    results.append(.failure(error))
                    try await database.raw("ROLLBACK TO job").run()
                    try await database.raw("RELEASE job").run()
                }
            }
            try await commitOffTheExecutor()
        } catch {
            // The batch could not commit (a full disk, a lost lock): none of it happened.
            try? await database.raw("ROLLBACK").run()
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        for (job, result) in zip(batch, results) {
            job.continuation.resume(with: result)
        }
    }

    /// COMMIT, on NIO's blocking thread pool: with `synchronous = FULL` it waits for the WAL's
    /// fsync (milliseconds), and blocking one of the concurrency pool's few threads that long
    /// would stall every request scheduled on it; this task just waits instead.
    private func commitOffTheExecutor() async throws {
        let connection = database.connection
        try await NIOThreadPool.singleton.runIfActive {
            try connection.execute("COMMIT", binds: []) { _ in }
        }
    }
}
