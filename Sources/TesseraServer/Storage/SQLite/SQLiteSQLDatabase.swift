import Logging
import NIOCore
import NIOPosix
import SQLKit

/// A leased ``SQLiteConnection`` seen through SQLKit, so the store's queries are the same for
/// SQLite and PostgreSQL. Statements run inline; the event-loop API is answered with futures that
/// are already complete.
struct SQLiteSQLDatabase: SQLDatabase {
    let connection: SQLiteConnection
    let logger: Logger
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteSQLDialect() }
    /// Never log queries: their binds are hashes of secrets and personal data.
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        try connection.execute(sql, binds: try binds.map(SQLiteBindEncoder.encode)) { onRow($0) }
    }
}

/// One result row, its values read out before the statement moves on.
struct SQLiteResultRow: SQLRow {
    let columns: [String]
    let values: [SQLiteValue]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        try value(column) == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteValueDecoder.decode(D.self, from: try value(column))
    }

    private func value(_ column: String) throws -> SQLiteValue {
        guard let index = columns.firstIndex(of: column) else {
            throw SQLiteFailure(message: "no column '\(column)' in the result")
        }
        return values[index]
    }
}
