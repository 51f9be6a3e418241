import Foundation
import SQLKit
import Testing
@testable import TesseraServer

@Suite("SQLite group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    @Test("concurrent transactions share commits, yet each is atomic on its own: one that throws leaves no trace, the others all land")
    func savepointsIsolateTransactions() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("group-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine = try await SQLiteEngine.open(path: path)
        try await engine.transaction { try await $0.raw("CREATE TABLE t (n INTEGER PRIMARY KEY, half INTEGER)").run() }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<200 {
                group.addTask {
                    do {
                        try await engine.transaction { database in
                            try await database.raw("INSERT INTO t (n, half) VALUES (\(bind: n), 0)").run()
                            try await database.raw("UPDATE t SET half = 1 WHERE n = \(bind: n)").run()
                            if n % 5 == 0 { throw Refused() }
                        }
                        return (n, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.filter(\.value).count == 160)
        let rows = try await engine.read { try await $0.raw("SELECT n, half FROM t ORDER BY n").all() }
        let stored = try rows.map { try $0.decode(column: "n", as: Int.self) }
        #expect(stored == (0..<200).filter { $0 % 5 != 0 })
        #expect(try rows.allSatisfy { try $0.decode(column: "half", as: Int.self) == 1 }, "no transaction was seen half done")
    }
}
