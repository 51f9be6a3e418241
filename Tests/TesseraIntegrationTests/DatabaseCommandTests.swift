import Foundation
import Testing
import TesseraCore

@Suite("tessera migrate, tessera gc, and PostgreSQL URLs on the command line")
struct DatabaseCommandTests {
    @Test("migrate applies the steps once and says which; gc says what it removed; neither needs a master key", arguments: TestEngine.all)
    func migrateAndGC(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await withTemporaryDirectory { directory in
                let first = try await TesseraBinary.run(["migrate", "--database", database.urlText], directory: directory)
                #expect(first.status == 0, "\(first.stderr)")
                #expect(first.stdout.hasSuffix("applied migrations \(StorageTests.allVersions.map(String.init).joined(separator: ", "))\n"))
                let again = try await TesseraBinary.run(["migrate"], environment: ["TESSERA_DATABASE_URL": database.urlText], directory: directory)
                #expect(again.stdout.hasSuffix("the schema is up to date\n"))
                let gc = try await TesseraBinary.run(["gc", "--database", database.urlText], directory: directory)
                #expect(gc.status == 0, "\(gc.stderr)")
                #expect(gc.stdout.hasPrefix("0 expired rows removed"))
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no tessera.key was made")
            }
        }
    }

    @Test("a PostgreSQL that refuses, or never answers, is one line on stderr within the connect timeout, with no password and no file written",
          arguments: ["serve", "migrate", "gc", "clients"], [false, true])
    func unreachableDatabase(command: String, silent: Bool) async throws {
        let listener = SilentListener()
        defer { listener.close() }
        let port = silent ? listener.port : freeLoopbackPort()
        let url = "postgres://tessera:hunter2-not-printed@127.0.0.1:\(port)/tessera?sslmode=disable&connect_timeout=2"
        let arguments = command == "clients" ? ["clients", "add", "--name", "x", "--redirect-uri", TestServer.redirectURI] : [command]
        try await withTemporaryDirectory { directory in
            let started = ContinuousClock.now
            let output = try await TesseraBinary.run(arguments + ["--database", url], directory: directory)
            // The 2 s connect timeout is what the message below names; the wall-clock bound only
            // proves the command does not hang, with room for a debug binary on a busy machine.
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(output.status != 0)
            let lines = output.stderr.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(output.stderr)")
            #expect(lines.first?.hasPrefix("tessera: error: cannot connect to PostgreSQL at 127.0.0.1:\(port)/tessera: ") == true)
            if silent { #expect(output.stderr.contains("no answer within 2 s")) }
            #expect(!output.stderr.contains("hunter2") && !output.stdout.contains("hunter2"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "something was written")
        }
    }

    @Test("a PostgreSQL that answers but has no such database says so, in one line")
    func missingDatabase() async throws {
        let admin = try TestPostgres.adminURL()
        var components = try #require(URLComponents(string: admin))
        components.path = "/no_such_database"
        let output = try await TesseraBinary.run(["migrate", "--database", try #require(components.string)])
        #expect(output.status != 0)
        #expect(output.stderr.split(separator: "\n").count == 1)
        #expect(output.stderr.contains(#"database "no_such_database" does not exist"#), "\(output.stderr)")
    }

    @Test("bad postgres:// URLs are refused before anything is opened", arguments: [
        "postgres://127.0.0.1/x", "postgres://u@127.0.0.1/x?connect_timeout=0", "postgres://u@127.0.0.1/x?sslmode=sometimes",
    ])
    func malformedURLs(url: String) async throws {
        let output = try await TesseraBinary.run(["migrate", "--database", url])
        #expect(output.status != 0)
        #expect(output.stderr.hasPrefix("tessera: error: --database: "), "\(output.stderr)")
    }
}
