import Foundation
import Testing

/// What Tessera leaves on disk: private to its owner, and refused when it is not.
@Suite("Secrets at rest")
struct SecretsAtRestTests {
    private func mode(of path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("a first run under a permissive umask still leaves the SQLite database and the master key readable by their owner only")
    func firstRunFilesArePrivate() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            // sh sets the umask and then becomes `tessera users add …` ($0 is the binary).
            let output = try await TesseraBinary.run(["-c", "umask 000 && exec \"$0\" \"$@\"", TesseraBinary.url.path,
                                                      "users", "add", "--email", "a@example.com", "--password", "a password here",
                                                      "--database", database],
                                                     executable: URL(fileURLWithPath: "/bin/sh"))
            #expect(output.status == 0, "\(output.stderr)")
            for name in ["tessera.sqlite", "tessera.key"] {
                #expect(try mode(of: directory.appendingPathComponent(name).path) == 0o600, "\(name)")
            }
            for name in ["tessera.sqlite-wal", "tessera.sqlite-shm"] where FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
                #expect(try mode(of: directory.appendingPathComponent(name).path) & 0o077 == 0, "\(name)")
            }
        }
    }

    @Test("a master key file others can read is refused by every command: one line naming the fix, nothing served")
    func worldReadableMasterKeyIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            try await TesseraBinary.addUser(email: "a@example.com", password: "a password here", database: database)
            let keyPath = directory.appendingPathComponent("tessera.key").path
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)

            for arguments in [["keys", "rotate"], ["serve", "--port", "0"]] {
                let refused = try await TesseraBinary.run(arguments + ["--database", database])
                #expect(refused.status != 0)
                let lines = refused.stderr.split(separator: "\n").filter { $0.contains("error") }
                #expect(lines.count == 1 && lines[0].contains("chmod 600 \(keyPath)"), "\(refused.stderr)")
            }
            let flag = try await TesseraBinary.run(["keys", "rotate", "--master-key-file", keyPath, "--database", database])
            #expect(flag.status != 0)
            #expect(flag.stderr.split(separator: "\n").count == 1 && flag.stderr.contains("--master-key-file"), "\(flag.stderr)")
        }
    }
}
