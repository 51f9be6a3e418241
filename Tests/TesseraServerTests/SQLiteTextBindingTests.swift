import Foundation
import SQLKit
import Testing
@testable import TesseraServer

@Suite("SQLite text binding")
struct SQLiteTextBindingTests {
    @Test("a NUL byte inside bound text is bound, compared and read back whole, never cut at the NUL")
    func nulByteIsNotAnEnd() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nul-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try await SQLiteEngine.open(path: path)
        try await engine.transaction { database in
            try await database.raw("CREATE TABLE t (email TEXT PRIMARY KEY)").run()
            try await database.raw("INSERT INTO t (email) VALUES (\(bind: "you@example.com"))").run()
        }
        let smuggled = "you@example.com\u{0}x1"
        let match = try await engine.read { try await $0.raw("SELECT email FROM t WHERE email = \(bind: smuggled)").first() }
        #expect(match == nil, "the text after the NUL takes part in the comparison")
        let echoed = try await engine.read { try await $0.raw("SELECT \(bind: smuggled) AS v, length(CAST(\(bind: smuggled) AS BLOB)) AS n").first() }
        #expect(try echoed?.decode(column: "v", as: String.self) == smuggled)
        #expect(try echoed?.decode(column: "n", as: Int.self) == smuggled.utf8.count)
    }
}
