import CSQLite

/// One SQLite connection used directly: statements run on the calling thread, prepared once and
/// kept (SQLITE_PREPARE_PERSISTENT), with no thread hop.
///
/// Not thread-safe by itself (the handle is opened NOMUTEX): ``SQLiteEngine`` lends each
/// connection to one task at a time.
final class SQLiteConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteFailure(message: "cannot open the SQLite database at \(path) (code \(status))")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit {
        for statement in statements.values {
            sqlite3_finalize(statement)
        }
        sqlite3_close_v2(handle)
    }

    /// Runs one statement with `binds`, calling `onRow` for each row it returns.
    func execute(_ sql: String, binds: [SQLiteValue], onRow: (SQLiteResultRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), in: statement))
        }
        var columns: [String]?
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure(status) }
            let names = columns ?? Self.columnNames(of: statement)
            columns = names
            try onRow(SQLiteResultRow(columns: names, values: (0..<Int32(names.count)).map { Self.value(in: statement, at: $0) }))
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let integer): return sqlite3_bind_int64(statement, index, integer)
        case .float(let double): return sqlite3_bind_double(statement, index, double)
        case .text(let text):
            // With its byte length, never -1: SQLite would stop at a NUL and bind a shorter string
            // than the one checked ("you@example.com\0x" would look up "you@example.com").
            var text = text
            return text.withUTF8 { bytes in
                guard let base = bytes.baseAddress else {
                    return sqlite3_bind_text(statement, index, "", 0, csqlite_transient())
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(bytes.count), csqlite_transient())
                }
            }
        case .blob(let bytes):
            // A zero-length blob still needs a non-null pointer, or SQLite binds NULL.
            return bytes.withUnsafeBytes {
                sqlite3_bind_blob(statement, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), csqlite_transient())
            }
        case .null: return sqlite3_bind_null(statement, index)
        }
    }

    private static func columnNames(of statement: OpaquePointer) -> [String] {
        (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
    }

    private static func value(in statement: OpaquePointer, at column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            return .float(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            // By its byte count, as it was bound: a NUL inside the text is kept, not an end.
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw failure(status) }
    }

    private func failure(_ status: Int32) -> SQLiteFailure {
        SQLiteFailure(message: "SQLite error \(status): \(String(cString: sqlite3_errmsg(handle)))", code: status)
    }
}

/// An SQLite error: its code and SQLite's own message (which never holds a bound value).
struct SQLiteFailure: Error, CustomStringConvertible {
    let message: String
    /// SQLite's result code, when SQLite gave one.
    var code: Int32? = nil
    var description: String { message }

    /// SQLITE_BUSY: another connection holds a lock this one needs.
    var isBusy: Bool { code == SQLITE_BUSY }
}
