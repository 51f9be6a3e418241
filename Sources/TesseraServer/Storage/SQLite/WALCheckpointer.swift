import NIOPosix
import Synchronization

/// Checkpoints the WAL in the background, so no request pays for it.
///
/// Left to SQLite, the commit that crosses the threshold copies the WAL into the database and
/// syncs it to disk, on the writer, while every queued transaction waits: the token endpoint's
/// slowest one percent of answers were mostly that. Here a connection of its own checkpoints
/// (PASSIVE: it never waits for, or blocks, a reader or the writer) every `interval`, on NIO's
/// blocking thread pool, and the other connections never checkpoint.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>
    private let connection: LentConnection

    init(connection: SQLiteConnection, interval: Duration = .seconds(1)) {
        let connection = LentConnection(connection)
        self.connection = connection
        task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = try? await NIOThreadPool.singleton.runIfActive {
                    try connection.mutex.withLock { try $0.execute("PRAGMA wal_checkpoint(PASSIVE)", binds: []) { _ in } }
                }
            }
        }
    }

    /// Runs `body` on the checkpointing connection, between two checkpoints.
    func withConnection<Result>(_ body: (SQLiteConnection) throws -> Result) rethrows -> Result {
        try connection.mutex.withLock { try body($0) }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// The checkpointing connection, lent to one user at a time (the loop, or a test reading its settings).
private final class LentConnection: Sendable {
    let mutex: Mutex<SQLiteConnection>
    init(_ connection: SQLiteConnection) { mutex = Mutex(connection) }
}
