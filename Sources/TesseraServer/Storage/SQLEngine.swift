public import SQLKit

/// A database engine as the store needs it: reads, and transactions that run exactly once.
///
/// The store's queries are written once against SQLKit; an engine decides how connections are
/// leased and how a transaction is made atomic. ``SQLiteEngine`` serialises writers (SQLite has
/// one writer at a time); ``PostgresEngine`` leases pooled connections.
public protocol SQLEngine: Sendable {
    /// Which SQL the schema is written in where the engines differ.
    var flavor: SQLFlavor { get }

    /// Runs `body` on a connection, outside any transaction.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result

    /// Runs `body` on one connection, each statement committing on its own: for work whose every
    /// write is one atomic statement that must stand whatever follows (consuming a code), so it
    /// pays no BEGIN and COMMIT round trips. An engine whose commits are paid per batch rather
    /// than per round trip (SQLite's group commit) runs it as one transaction: never weaker.
    func autocommit<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result

    /// Runs `body` with the schema locked against other processes running migrations at once.
    func withMigrationLock<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result

    /// Closes every connection.
    func shutdown() async
}

/// The SQL dialects Tessera stores into.
public enum SQLFlavor: String, Sendable {
    case sqlite
    case postgres
}

extension SQLDatabase {
    /// Runs `body` between `begin` and COMMIT on this (single-session) database, rolling back
    /// when it throws: the one transaction shape both engines share.
    func runTransaction<Result: Sendable>(
        begin: SQLQueryString = "BEGIN",
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await raw(begin).run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
