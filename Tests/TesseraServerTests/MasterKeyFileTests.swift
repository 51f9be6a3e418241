import Foundation
import Testing
@testable import TesseraServer

/// The master key file: private from its first moment, refused when it is not.
@Suite("Master key file")
struct MasterKeyFileTests {
    private func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("twenty first runs race to create the key: one creates it, every one gets that key, mode 0600, no staging file left")
    func racingFirstRunsAgreeOnOneKey() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tessera.key").path
        let results = try await withThrowingTaskGroup(of: (Data, Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let (key, created) = try MasterKey.loadOrCreate(at: path)
                    return (key.derivedKey(for: "probe").withUnsafeBytes { Data($0) }, created)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.1).count == 1, "exactly one run created the key")
        #expect(Set(results.map(\.0)).count == 1, "every run got the same key")
        #expect(try mode(of: path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["tessera.key"])
    }

    @Test("a key file group or others can read is refused, with the chmod that fixes it", arguments: [0o644, 0o640, 0o604])
    func keyReadableByOthersIsRefused(mode: Int) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tessera.key").path
        _ = try MasterKey.loadOrCreate(at: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect {
            _ = try MasterKey.loadOrCreate(at: path)
        } throws: { error in
            "\(error)".contains("chmod 600 \(path)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try MasterKey.loadOrCreate(at: path).created == false)
    }

    @Test("a planted symlink at the key's path is not followed to write a key elsewhere")
    func plantedSymlinkIsNotFollowed() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("elsewhere").path
        let path = folder.appendingPathComponent("tessera.key").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: (any Error).self) { _ = try MasterKey.loadOrCreate(at: path) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
