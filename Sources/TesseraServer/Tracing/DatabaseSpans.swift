import Foundation
import Logging
import NIOCore
import SQLKit
import Tracing

/// A child span per SQL statement a request runs, named like `SELECT clients`, with the standard
/// `db.system.name`, `db.operation.name` and `db.collection.name` attributes: where a slow request
/// spent its time, without a word of what it stored. The statement's text and its bound values —
/// hashes of codes and tokens, emails — are never recorded.
enum DatabaseSpans {
    /// `body` handed a database that traces each statement, parented on the caller's span.
    ///
    /// The caller's context is taken here, in the caller's task: SQLite's writer runs transaction
    /// bodies on its own task, where the request's task-local context does not reach. Outside a
    /// traced request (background services) or with no tracer bootstrapped, `body` is returned as
    /// it is, so an untraced server pays nothing per statement.
    static func wrap<Result>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result,
        system: SQLFlavor
    ) -> @Sendable (any SQLDatabase) async throws -> Result {
        guard let parent = InstrumentationContext.current, !(InstrumentationSystem.tracer is NoOpTracer) else { return body }
        return { database in try await body(TracedSQLDatabase(base: database, parent: parent, system: system.tracingName)) }
    }
}

extension SQLFlavor {
    /// The OpenTelemetry `db.system.name` of the engine.
    var tracingName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }
}

/// A database that wraps each statement of `base` in a span under `parent`.
struct TracedSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let parent: InstrumentationContext
    let system: String

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let span = start(query)
        let result = base.execute(sql: query, onRow)
        result.whenComplete { outcome in
            if case .failure(let error) = outcome { Self.fail(span, error) }
            span.end()
        }
        return result
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        let span = start(query)
        defer { span.end() }
        do {
            try await base.execute(sql: query, onRow)
        } catch {
            Self.fail(span, error)
            throw error
        }
    }

    private func start(_ query: any SQLExpression) -> any Span {
        let summary = QuerySummary(sql: base.serialize(query).sql)
        let span = startSpan(summary.name, context: parent, ofKind: .client)
        span.attributes["db.system.name"] = system
        span.attributes["db.operation.name"] = summary.operation
        span.attributes["db.collection.name"] = summary.collection
        return span
    }

    /// Marks the span failed with the error's type only: a driver's message may quote a value.
    private static func fail(_ span: any Span, _ error: any Error) {
        span.attributes["error.type"] = String(describing: type(of: error))
        span.setStatus(SpanStatus(code: .error))
    }
}

/// The operation and main table of a statement Tessera wrote (`UPDATE grants SET …` →
/// `UPDATE`, `grants`), read from its text with placeholders for every value, for a span name that
/// groups like statements together.
struct QuerySummary: Equatable {
    let operation: String
    let collection: String?

    var name: String { collection.map { "\(operation) \($0)" } ?? operation }

    init(sql: String) {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" || $0 == "," })
        operation = words.first.map { $0.uppercased() } ?? "SQL"
        let keywords: Set<String> = ["FROM", "INTO", "UPDATE", "TABLE", "JOIN"]
        collection = words.indices.first { keywords.contains(words[$0].uppercased()) && $0 + 1 < words.count }
            .map { String(words[$0 + 1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"`")) }
    }
}
