import Foundation
import Logging
public import SQLKit

/// The embedded engine: one SQLite file in WAL mode.
///
/// SQLite allows one writer at a time, so every transaction goes through a single writer
/// connection, which commits them in groups (see ``GroupCommitWriter``); reads use a few
/// connections of their own, which WAL lets run beside the writer. `busy_timeout` covers other
/// processes (`tessera clients add` while `tessera serve` runs) writing to the same file.
/// Statements run inline on the leasing task with cached prepared statements, on the system's
/// SQLite library (see ``SQLiteConnection``).
public final class SQLiteEngine: SQLEngine {
    public var flavor: SQLFlavor { .sqlite }

    private let writer: GroupCommitWriter
    let readers: AsyncResourcePool<SQLiteConnection>
    let readerCount: Int
    let checkpointer: WALCheckpointer

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], checkpointer: SQLiteConnection) {
        self.writer = GroupCommitWriter(database: SQLiteSQLDatabase(connection: writer, logger: Self.logger))
        self.readers = AsyncResourcePool(readers)
        self.readerCount = readers.count
        self.checkpointer = WALCheckpointer(connection: checkpointer)
    }

    private static let logger = Logger(label: "tessera.sqlite")

    /// Every connection's settings. WAL lets readers run beside the writer. FULL syncs the WAL at
    /// every commit, so a commit is on disk before its caller hears of it: a code answered 200 stays
    /// consumed, and its tokens stay valid, across a power cut (NORMAL would sync only at
    /// checkpoints and could lose the last commits). The group commit pays that one sync per batch,
    /// not per exchange. Savepoints keep their journals in memory; 8 MB of page cache each holds
    /// the hot B-tree pages; no connection checkpoints on commit — ``WALCheckpointer`` does, in the
    /// background.
    static let pragmas = [
        "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
        "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -8192", "PRAGMA wal_autocheckpoint = 0",
    ]

    /// Opens (creating when missing) the database at `path`.
    ///
    /// A database Tessera creates is private to its owner (mode 0600): it holds password hashes
    /// and sealed keys. SQLite gives its `-wal` and `-shm` files the database file's mode.
    public static func open(path: String, readerCount: Int = 2) async throws -> SQLiteEngine {
        // An existing file is opened as it is; any other failure is SQLite's to report below.
        try? PrivateFile.create(at: path)
        // Connections close themselves when released, also when opening fails part-way.
        var connections: [SQLiteConnection] = []
        for _ in 0..<(2 + readerCount) {
            let connection = try SQLiteConnection(path: path)
            for pragma in pragmas {
                try settle(pragma, on: connection)
            }
            connections.append(connection)
        }
        return SQLiteEngine(writer: connections[0], readers: Array(connections.dropFirst(2)), checkpointer: connections[1])
    }

    /// Runs one setting, again while SQLite answers busy: processes opening a new file at once
    /// (four `tessera migrate`s) each switch it to WAL, which needs the file to themselves, and
    /// SQLite answers busy at once there rather than call the busy handler (waiting could
    /// deadlock). Tried for up to two seconds.
    private static func settle(_ pragma: String, on connection: SQLiteConnection) throws {
        var attempts = 0
        while true {
            do {
                return try connection.execute(pragma, binds: []) { _ in }
            } catch let failure as SQLiteFailure where failure.isBusy && attempts < 200 {
                attempts += 1
                usleep(10_000)
            }
        }
    }

    public func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let body = DatabaseSpans.wrap(body, system: flavor)
        return try await readers.withResource { try await body(SQLiteSQLDatabase(connection: $0, logger: Self.logger)) }
    }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await writer.transaction(DatabaseSpans.wrap(body, system: flavor))
    }

    public func autocommit<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await transaction(body)
    }

    public func withMigrationLock<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        // SQLite's DDL is transactional and BEGIN IMMEDIATE excludes every other writer.
        try await transaction(body)
    }

    /// Stops the checkpoints; connections close when the engine is released (the last one to
    /// close checkpoints what is left).
    public func shutdown() async {
        await checkpointer.stop()
    }
}
