import Foundation
import SQLKit
import Testing
@testable import TesseraServer

@Suite("SQLite value coding")
struct SQLiteValueCodingTests {
    enum Kind: String, Codable { case confidential }

    @Test("binds and reads keep SQLiteKit's conversions: booleans as 1/0, nil as NULL, raw-value enums as text, arrays as JSON text, bytes as a blob")
    func conversionsRoundTrip() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("coding-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let engine = try await SQLiteEngine.open(path: path)
        let missing: String? = nil, present: Int? = 7
        let row = try #require(try await engine.read { database in
            try await database.raw("""
                SELECT \(bind: true) AS yes, typeof(\(bind: true)) AS yes_type, \(bind: missing) AS missing,
                       \(bind: present) AS present, \(bind: Kind.confidential) AS kind, \(bind: ["a", "b"]) AS list,
                       typeof(\(bind: Data([0, 1, 2]))) AS bytes_type, \(bind: Data([0, 1, 2])) AS bytes, \(bind: 1.5) AS real,
                       \(bind: Int64.max) AS big
                """).first()
        })
        await engine.shutdown()
        #expect(try row.decode(column: "yes", as: Bool.self))
        #expect(try row.decode(column: "yes_type", as: String.self) == "integer")
        #expect(try row.decode(column: "missing", as: String?.self) == nil)
        #expect(try row.decodeNil(column: "missing"))
        #expect(try row.decode(column: "present", as: Int?.self) == 7)
        #expect(try row.decode(column: "present", as: String.self) == "7", "an integer reads as its digits")
        #expect(try row.decode(column: "kind", as: Kind.self) == .confidential)
        #expect(try row.decode(column: "list", as: String.self) == #"["a","b"]"#)
        #expect(try row.decode(column: "list", as: [String].self) == ["a", "b"])
        #expect(try row.decode(column: "bytes_type", as: String.self) == "blob")
        #expect(try row.decode(column: "bytes", as: Data.self) == Data([0, 1, 2]))
        #expect(try row.decode(column: "real", as: Double.self) == 1.5)
        #expect(try row.decode(column: "big", as: Int64.self) == .max)
        #expect(throws: DecodingError.self) { try row.decode(column: "big", as: Int32.self) }
        #expect(throws: DecodingError.self) { try row.decode(column: "kind", as: Int.self) }
    }
}
