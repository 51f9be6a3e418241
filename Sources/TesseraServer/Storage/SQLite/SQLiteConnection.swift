import CTesseraSQLite
import Foundation
import SQLiteKit

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
        let flags = TESSERA_SQLITE_OPEN_READWRITE | TESSERA_SQLITE_OPEN_CREATE | TESSERA_SQLITE_OPEN_NOMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == TESSERA_SQLITE_OK, let handle else {
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            throw SQLiteFailure(message: "cannot open the SQLite database at \(path) (code \(status))")
        }
        self.handle = handle
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
    }

    deinit {
        for statement in statements.values {
            sqlite_nio_sqlite3_finalize(statement)
        }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs one statement with `binds`, calling `onRow` for each row it returns.
    func execute(_ sql: String, binds: [SQLiteData], onRow: (SQLiteResultRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), in: statement))
        }
        var columns: [String]?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == TESSERA_SQLITE_DONE { return }
            guard status == TESSERA_SQLITE_ROW else { throw failure(status) }
            let names = columns ?? Self.columnNames(of: statement)
            columns = names
            try onRow(SQLiteResultRow(columns: names, values: (0..<Int32(names.count)).map { Self.value(in: statement, at: $0) }))
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(TESSERA_SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == TESSERA_SQLITE_OK, let statement else { throw failure(status) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let integer): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let double): return sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .text(let text):
            // With its byte length, never -1: SQLite would stop at a NUL and bind a shorter string
            // than the one checked ("you@example.com\0x" would look up "you@example.com").
            var text = text
            return text.withUTF8 { bytes in
                guard let base = bytes.baseAddress else {
                    return sqlite_nio_sqlite3_bind_text(statement, index, "", 0, tessera_sqlite_transient())
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite_nio_sqlite3_bind_text(statement, index, $0, Int32(bytes.count), tessera_sqlite_transient())
                }
            }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), tessera_sqlite_transient())
            }
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func columnNames(of statement: OpaquePointer) -> [String] {
        (0..<sqlite_nio_sqlite3_column_count(statement)).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
    }

    private static func value(in statement: OpaquePointer, at column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case TESSERA_SQLITE_INTEGER:
            return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case TESSERA_SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case TESSERA_SQLITE_TEXT:
            // By its byte count, as it was bound: a NUL inside the text is kept, not an end.
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case TESSERA_SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob(ByteBuffer()) }
            return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func check(_ status: Int32) throws {
        guard status == TESSERA_SQLITE_OK else { throw failure(status) }
    }

    private func failure(_ status: Int32) -> SQLiteFailure {
        SQLiteFailure(message: "SQLite error \(status): \(String(cString: sqlite_nio_sqlite3_errmsg(handle)))")
    }
}

/// An SQLite error: its code and SQLite's own message (which never holds a bound value).
struct SQLiteFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
