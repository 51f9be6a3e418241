import Logging
import NIOPosix
public import SQLKit
import SQLiteKit

/// The embedded engine: one SQLite file in WAL mode.
///
/// SQLite allows one writer at a time, so every transaction goes through a single writer
/// connection, lent to one task at a time; reads use a few connections of their own, which WAL
/// lets run beside the writer. `busy_timeout` covers other processes (`tessera clients add`
/// while `tessera serve` runs) writing to the same file.
public final class SQLiteEngine: SQLEngine {
    public var flavor: SQLFlavor { .sqlite }

    private let writer: AsyncResourcePool<SQLiteConnection>
    private let readers: AsyncResourcePool<SQLiteConnection>

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = AsyncResourcePool([writer])
        self.readers = AsyncResourcePool(readers)
    }

    /// Opens (creating when missing) the database at `path`.
    public static func open(path: String, readerCount: Int = 2) async throws -> SQLiteEngine {
        var logger = Logger(label: "tessera.sqlite")
        logger.logLevel = .warning
        var connections: [SQLiteConnection] = []
        do {
            for _ in 0..<(1 + readerCount) {
                let connection = try await SQLiteConnection.open(
                    storage: .file(path: path),
                    threadPool: NIOThreadPool.singleton,
                    logger: logger,
                    on: MultiThreadedEventLoopGroup.singleton.any()
                )
                connections.append(connection)
                for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] {
                    try await connection.query(pragma, [], { _ in })
                }
            }
        } catch {
            // A connection must be closed before it is released.
            for connection in connections {
                try? await connection.close()
            }
            throw error
        }
        return SQLiteEngine(writer: connections[0], readers: Array(connections.dropFirst()))
    }

    public func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await readers.withResource { try await body($0.sql(queryLogLevel: nil)) }
    }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await writer.withResource { connection in
            // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
            try await connection.sql(queryLogLevel: nil).runTransaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    public func withMigrationLock<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        // SQLite's DDL is transactional and BEGIN IMMEDIATE excludes every other writer.
        try await transaction(body)
    }

    public func shutdown() async {
        for pool in [writer, readers] {
            for connection in await pool.drain() {
                try? await connection.close()
            }
        }
    }
}
