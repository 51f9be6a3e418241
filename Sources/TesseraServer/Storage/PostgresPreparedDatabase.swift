import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// A leased PostgreSQL connection seen through SQLKit, running each statement as a named prepared
/// statement: the server parses and plans a text once per connection, then only binds and runs it.
///
/// PostgresKit's own `SQLDatabase` sends every statement unnamed, so PostgreSQL parses and plans it
/// on every call. The store's SQLKit queries are unchanged; this type names them. Statements that
/// are not queries (`BEGIN`, `COMMIT`, DDL, `DEALLOCATE`) and binds PostgresNIO cannot encode
/// directly run unnamed, through PostgresKit, exactly as before.
///
/// A statement the server no longer has (`DEALLOCATE ALL` on the session, or a schema change under
/// a cached plan) is prepared again under a new name and run again; inside a transaction, which
/// that error has aborted, ``invalidated`` is set so the engine can run the transaction again.
struct PostgresPreparedDatabase: SQLDatabase {
    let connection: PostgresConnection
    let names: PreparedStatementNames
    /// Set when a statement failed because its prepared form was gone; `nil` outside a transaction,
    /// where such a statement is simply run again.
    let invalidated: Invalidation?

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }
    /// Never log queries: their binds are hashes of secrets and personal data.
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let (sql, binds) = serialize(query)
        guard Self.isQuery(sql), let (bindings, types) = Self.encode(binds) else {
            try await connection.sql(queryLogLevel: nil).execute(sql: query, onRow)
            return
        }
        let key = PreparedStatementNames.Key(sql: sql, types: types)
        while true {
            guard case .named(let name, let confirmed) = names.lease(key, on: connection) else {
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) { onRow($0.sql()) }.get()
                return
            }
            do {
                let rows = try await NamedStatement.$current.withValue(.init(name: name, key: key)) {
                    try await connection.execute(NamedStatement(bindings: bindings), logger: logger)
                }
                for try await row in rows {
                    onRow(row.sql())
                }
                if !confirmed {
                    names.confirm(key, on: connection)
                }
                return
            } catch {
                let gone = Self.isPreparedStatementGone(error)
                if gone || !confirmed {
                    names.forget(key, on: connection)
                }
                guard gone else { throw error }
                if let invalidated {
                    // The transaction is aborted: only running it again from BEGIN can help.
                    invalidated.set()
                    throw error
                }
            }
        }
    }

    /// The statements worth preparing: queries the store runs again and again.
    static func isQuery(_ sql: String) -> Bool {
        let head = sql.prefix(7).uppercased()
        return ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "].contains { head.hasPrefix($0) }
    }

    /// The binds as PostgresNIO encodes them, with their types, or `nil` when one needs
    /// PostgresKit's slower paths (arrays, JSON), which the unnamed route takes.
    static func encode(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            if (bind as? any OptionalBind)?.isNone == true {
                bindings.appendNull()
                types.append(.null)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable, (try? bindings.append(value)) != nil {
                types.append(value.psqlType)
            } else {
                return nil
            }
        }
        return (bindings, types)
    }

    /// The server no longer has the named statement (SQLSTATE 26000), or its cached plan no longer
    /// fits the table it reads (0A000 after a migration changed a `SELECT *`'s columns).
    static func isPreparedStatementGone(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "26000" || (state == "0A000" && error.serverInfo?[.message]?.contains("cached plan") == true)
    }

    /// Whether a transaction met a prepared statement the server no longer had.
    final class Invalidation: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .relaxed) }
        var isSet: Bool { flag.load(ordering: .relaxed) }
    }
}

/// An optional bind, seen through `any Encodable`: a cast to a protocol looks through an Optional
/// that holds a value, so only this tells a `nil` (a NULL of a type the server infers) apart.
private protocol OptionalBind {
    var isNone: Bool { get }
}

extension Optional: OptionalBind {
    var isNone: Bool { self == nil }
}

/// The statement postgres-nio runs by name. Its API names statements by type (`static var name`,
/// `static var sql`), written for statements known at compile time; the store's are built at run
/// time, so the type reads the statement of the call in progress from a task-local value.
/// postgres-nio reads them only while the call is being sent, within `$current.withValue`.
private struct NamedStatement: PostgresPreparedStatement {
    struct Current: Sendable {
        var name = ""
        var key = PreparedStatementNames.Key(sql: "", types: [])
    }

    @TaskLocal static var current = Current()

    static var name: String { current.name }
    static var sql: String { current.key.sql }
    static var bindingDataTypes: [PostgresDataType] { current.key.types }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
