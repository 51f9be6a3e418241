import CSQLite
import SQLKit

/// How SQLKit writes SQL for SQLite: SQLiteKit's dialect, kept here so Tessera links one SQLite
/// (the system's) instead of also building the copy SQLiteKit's driver bundles.
///
/// The store writes its SQL by hand, so what matters most is `?N` placeholders, double-quoted
/// identifiers and `TRUE`/`FALSE`; the rest follows SQLiteKit for SQLKit's query builders.
/// `RETURNING` and upserts depend on the SQLite library loaded at run time.
struct SQLiteSQLDialect: SQLDialect {
    init() {}

    var name: String { "sqlite" }
    var identifierQuote: any SQLExpression { SQLRaw(#"""#) }
    var literalStringQuote: any SQLExpression { SQLRaw("'") }
    func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("?\(position)") }
    func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "TRUE" : "FALSE") }
    var literalDefault: any SQLExpression { SQLLiteral.null }
    var supportsIfExists: Bool { true }
    var supportsDropBehavior: Bool { false }
    var supportsAutoIncrement: Bool { false }
    var autoIncrementClause: any SQLExpression { SQLRaw("AUTOINCREMENT") }
    var enumSyntax: SQLEnumSyntax { .unsupported }
    var triggerSyntax: SQLTriggerSyntax {
        .init(create: [.supportsBody, .supportsCondition, .supportsUpdateColumns], drop: [])
    }
    var alterTableSyntax: SQLAlterTableSyntax { .init(allowsBatch: false) }
    /// Upserts arrived in SQLite 3.24.0.
    var upsertSyntax: SQLUpsertSyntax { Self.libraryVersion >= 3_024_000 ? .standard : .unsupported }
    /// `RETURNING` arrived in SQLite 3.35.0.
    var supportsReturning: Bool { Self.libraryVersion >= 3_035_000 }
    var unionFeatures: SQLUnionFeatures { [.union, .unionAll, .intersect, .except] }

    /// A 64-bit integer is SQLite's plain INTEGER (which also makes a primary key a rowid alias).
    func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? {
        if case .bigint = dataType { return SQLDataType.int }
        return nil
    }

    func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        guard !path.isEmpty else { return nil }
        return SQLFunction("json_extract", args: [column, SQLLiteral.string("$.\(path.joined(separator: "."))")])
    }

    /// The loaded library's version, e.g. 3040001 for 3.40.1.
    private static var libraryVersion: Int32 { sqlite3_libversion_number() }
}
