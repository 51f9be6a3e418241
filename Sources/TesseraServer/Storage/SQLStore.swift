import SQLKit
import TesseraCore

/// The provider's storage on SQLKit: one set of queries for SQLite and PostgreSQL.
///
/// Everything that must happen exactly once — consuming a code, rotating a refresh token — is one
/// conditional `UPDATE … RETURNING` inside a transaction, so it holds across processes and nodes
/// without any in-memory coordination.
public final class SQLStore: Sendable {
    public let engine: any SQLEngine
    /// Counts writes to `clients` made through this store (and, on PostgreSQL, by anyone), for
    /// the cache of client records (``CachedClientStore``).
    public let clientChanges = ClientChanges()

    public init(engine: any SQLEngine) {
        self.engine = engine
    }

    /// Opens the database `url` names, without touching its schema; `poolSize` caps PostgreSQL's
    /// connections (see ``DatabaseURL/openEngine(poolSize:)``).
    public static func open(_ url: DatabaseURL, poolSize: Int? = nil) async throws -> SQLStore {
        SQLStore(engine: try await url.openEngine(poolSize: poolSize))
    }

    /// Brings the schema up to date; safe to call from several processes at once.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await Migrations.run(on: engine)
    }

    public func shutdown() async {
        await engine.shutdown()
    }
}

extension SQLStore: StoreHealth {
    public func ping() async throws {
        _ = try await engine.read { try await $0.raw("SELECT 1 AS one").first() }
    }
}

extension SQLRow {
    /// A non-null column.
    func value<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(column: column, as: T.self)
    }

    /// A nullable column.
    func optional<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        try decode(column: column, as: T?.self)
    }
}
