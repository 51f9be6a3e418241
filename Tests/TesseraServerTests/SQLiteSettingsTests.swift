import Foundation
import Testing
@testable import TesseraServer

@Suite("SQLite connection settings")
struct SQLiteSettingsTests {
    @Test("durability: every connection the SQLite engine opens runs in WAL mode with synchronous=FULL, so a commit is on disk before it is answered")
    func everyConnectionSyncsEachCommit() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let engine = try await SQLiteEngine.open(path: path, readerCount: 3)
        let synchronous = try await engine.pragma("synchronous")
        let journalMode = try await engine.pragma("journal_mode")
        await engine.shutdown()
        // The writer, three readers and the checkpointer.
        #expect(synchronous == Array(repeating: "2", count: 5), "synchronous=FULL (2) on every connection")
        #expect(journalMode == Array(repeating: "wal", count: 5), "journal_mode=wal on every connection")
    }
}
