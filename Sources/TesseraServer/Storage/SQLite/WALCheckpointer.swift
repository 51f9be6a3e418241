import NIOPosix

/// Checkpoints the WAL in the background, so no request pays for it.
///
/// Left to SQLite, the commit that crosses the threshold copies the WAL into the database and
/// syncs it to disk, on the writer, while every queued transaction waits: the token endpoint's
/// slowest one percent of answers were mostly that. Here a connection of its own checkpoints
/// (PASSIVE: it never waits for, or blocks, a reader or the writer) every `interval`, on NIO's
/// blocking thread pool, and the other connections never checkpoint.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>

    init(connection: SQLiteConnection, interval: Duration = .seconds(1)) {
        task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = try? await NIOThreadPool.singleton.runIfActive {
                    try connection.execute("PRAGMA wal_checkpoint(PASSIVE)", binds: []) { _ in }
                }
            }
        }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}
