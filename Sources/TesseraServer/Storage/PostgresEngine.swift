import Logging
import PostgresKit
import PostgresNIO
public import SQLKit
import ServiceLifecycle

/// The scale-out engine: PostgreSQL through PostgresNIO's connection pool.
///
/// Every node of a cluster is stateless; what must happen once rests on PostgreSQL's row locks
/// (a conditional `UPDATE … RETURNING` inside a transaction) and migrations on an advisory lock.
public final class PostgresEngine: SQLEngine {
    public var flavor: SQLFlavor { .postgres }

    private let client: PostgresClient
    private let runTask: Task<Void, Never>

    /// An arbitrary constant: the advisory lock every Tessera node takes to migrate.
    private static let migrationLockKey = 0x7E55E7A

    private init(client: PostgresClient) {
        self.client = client
        self.runTask = Task { await client.run() }
    }

    public static func open(url: String) async throws -> PostgresEngine {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        guard let host = configuration.host else { throw DatabaseURLError.malformed }
        var clientConfiguration = PostgresClient.Configuration(
            host: host,
            port: configuration.port ?? 5432,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: .disable
        )
        clientConfiguration.options.maximumConnections = 16
        var logger = Logger(label: "tessera.postgres")
        logger.logLevel = .warning
        let engine = PostgresEngine(client: PostgresClient(configuration: clientConfiguration, backgroundLogger: logger))
        return engine
    }

    public func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.sql(queryLogLevel: nil).runTransaction(body)
        }
    }

    public func withMigrationLock<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await transaction { database in
            try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.migrationLockKey))").run()
            return try await body(database)
        }
    }

    public func shutdown() async {
        runTask.cancel()
        _ = await runTask.value
    }
}
