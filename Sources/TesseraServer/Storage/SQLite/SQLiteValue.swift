/// One SQLite value in one of SQLite's five storage classes: what a statement binds and what a
/// result column holds, read out of SQLite's C API before the statement moves on.
enum SQLiteValue: Equatable, Sendable {
    case integer(Int64)
    case float(Double)
    case text(String)
    case blob([UInt8])
    case null
}
