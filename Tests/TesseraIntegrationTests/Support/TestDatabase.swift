import Foundation
import Logging
import PostgresKit
import Testing
import TesseraServer

/// The storage engines every storage and integration test runs on.
///
/// ```swift
/// @Test("…", arguments: TestEngine.all)
/// func something(engine: TestEngine) async throws {
///     try await TestServer.with(engine) { server in … }
/// }
/// ```
enum TestEngine: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let all = allCases

    var testDescription: String { rawValue }
}

/// A database of its own for one test: a fresh SQLite file in a scratch folder, or a fresh
/// PostgreSQL database made with `CREATE DATABASE` through an admin connection to the server
/// `TESSERA_TEST_POSTGRES_URL` names (scripts/test starts a throwaway one). Dropped afterwards.
struct TestDatabase: Sendable {
    let url: DatabaseURL
    /// The database's URL as the `tessera` command takes it.
    let urlText: String
    private let cleanup: @Sendable () async -> Void

    static func create(_ engine: TestEngine) async throws -> TestDatabase {
        switch engine {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("tessera.sqlite").path
            return TestDatabase(url: .sqlite(path: path), urlText: "sqlite://\(path)") {
                try? FileManager.default.removeItem(at: directory)
            }
        case .postgres:
            let admin = try TestPostgres.adminURL()
            let name = "tessera_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await TestPostgres.run("CREATE DATABASE \(name)", admin: admin)
            var components = try #require(URLComponents(string: admin))
            components.path = "/\(name)"
            let text = try #require(components.string)
            return TestDatabase(url: try DatabaseURL(parsing: text), urlText: text) {
                try? await TestPostgres.run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", admin: admin)
            }
        }
    }

    /// Runs `body` with a fresh database, dropping it afterwards however `body` ends.
    static func with<Result>(_ engine: TestEngine, _ body: (TestDatabase) async throws -> Result) async throws -> Result {
        let database = try await create(engine)
        return try await using(database, stop: { await $0.drop() }, body)
    }

    func drop() async { await cleanup() }

    /// A store of its own on this database, shut down after `body`.
    func withStore<Result>(_ body: (SQLStore) async throws -> Result) async throws -> Result {
        let store = try await SQLStore.open(url)
        return try await using(store, stop: { await $0.shutdown() }, body)
    }
}

/// The PostgreSQL server of the tests.
enum TestPostgres {
    /// `TESSERA_TEST_POSTGRES_URL`, the URL of a role that may create databases. When it is unset
    /// the PostgreSQL case fails under CI (which must test both engines) and is skipped, with a
    /// note, on a developer's machine without PostgreSQL.
    static func adminURL(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["TESSERA_TEST_POSTGRES_URL"], !url.isEmpty {
            return url
        }
        if environment["CI"] == "true" {
            throw TestPostgresError.missingInCI
        }
        // The console reports a cancelled test, but not a cancelled case of a parameterized one.
        skipNote
        try Test.cancel(Comment(rawValue: skipMessage), sourceLocation: sourceLocation)
    }

    private static let skipMessage = "PostgreSQL case skipped: TESSERA_TEST_POSTGRES_URL is not set (scripts/test starts a throwaway server)"

    /// Printed once per run, on the first skipped case.
    private static let skipNote: Void = {
        FileHandle.standardError.write(Data("note: every \(skipMessage)\n".utf8))
    }()

    /// Runs one statement outside any transaction (as CREATE and DROP DATABASE need) on a
    /// connection of its own.
    static func run(_ sql: String, admin: String) async throws {
        _ = try await rows(PostgresQuery(unsafeSQL: sql), in: admin)
    }

    /// The rows `query` returns in the database `url` names, on a connection of its own.
    static func rows(_ query: PostgresQuery, in url: String) async throws -> [PostgresRow] {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        return try await using(connection, stop: { try? await $0.close() }) { try await $0.query(query, logger: logger).collect() }
    }

    private static let logger: Logger = {
        var logger = Logger(label: "tessera.test.postgres")
        logger.logLevel = .warning
        return logger
    }()
}

enum TestPostgresError: Error, CustomStringConvertible {
    case missingInCI

    var description: String {
        "TESSERA_TEST_POSTGRES_URL is not set, and CI must run every PostgreSQL case: run the tests with scripts/test, which starts a server"
    }
}
