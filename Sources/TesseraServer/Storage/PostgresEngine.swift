import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
public import SQLKit

/// The scale-out engine: PostgreSQL through PostgresNIO's connection pool.
///
/// Every node of a cluster is stateless; what must happen once rests on PostgreSQL's row locks
/// (a conditional `UPDATE … RETURNING` inside a transaction) and migrations on an advisory lock.
///
/// ```swift
/// let engine = try await PostgresEngine.open(url: "postgres://tessera@db:5432/tessera?connect_timeout=5")
/// let store = SQLStore(engine: engine)
/// ```
public final class PostgresEngine: SQLEngine {
    public var flavor: SQLFlavor { .postgres }

    /// The most connections one node keeps open by default: one per core (at least two), since
    /// a node's work between round trips is CPU; size the server's `max_connections` for every node.
    public static var defaultMaximumConnections: Int { max(2, System.coreCount) }

    private let client: PostgresClient
    private let running: Task<Void, Never>
    /// For connections outside the pool: the one that listens for notifications.
    let connectionConfiguration: PostgresConnection.Configuration
    /// What each pooled connection has prepared (see ``PostgresPreparedDatabase``).
    let statements = PreparedStatementNames()
    /// How often a transaction is run again after meeting a prepared statement the server no
    /// longer had (it rolled back; the next run prepares afresh).
    private static let invalidatedStatementRetries = 3

    /// An arbitrary constant: the advisory lock every Tessera node takes to migrate.
    private static let migrationLockKey = 0x7E55E7A

    private init(client: PostgresClient, connectionConfiguration: PostgresConnection.Configuration) {
        self.client = client
        self.connectionConfiguration = connectionConfiguration
        // Detached: the pool must not inherit a caller's graceful-shutdown signal and close while
        // requests are still draining; ``shutdown()`` ends it, after them.
        self.running = Task.detached { await client.run() }
    }

    /// Connects to the server once, directly, so that an unreachable server, a wrong password or a
    /// missing database fails here with its reason (the pool would retry in silence), then starts
    /// the pool. Gives up after the URL's `connect_timeout` seconds (default 10).
    /// - Throws: ``DatabaseURLError`` for a malformed URL, ``DatabaseConnectionError`` otherwise.
    public static func open(url: String, maximumConnections: Int = defaultMaximumConnections) async throws -> PostgresEngine {
        let settings = try PostgresSettings(url: url)
        let logger = {
            var logger = Logger(label: "tessera.postgres")
            logger.logLevel = .warning
            return logger
        }()
        var configuration = settings.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        // The pool runs before the first query is leased, as PostgresClient requires.
        let engine = PostgresEngine(client: PostgresClient(configuration: configuration, backgroundLogger: logger),
                                    connectionConfiguration: settings.connectionConfiguration)
        do {
            try await withDeadline(settings.connectTimeout) {
                let connection = try await PostgresConnection.connect(configuration: settings.connectionConfiguration, id: 0, logger: logger)
                try? await connection.close()
            }
        } catch {
            await engine.shutdown()
            throw DatabaseConnectionError(target: settings.target, reason: DatabaseConnectionError.reason(for: error, timeout: settings.connectTimeout))
        }
        return engine
    }

    public func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let body = DatabaseSpans.wrap(body, system: flavor)
        return try await client.withConnection { connection in
            try await body(PostgresPreparedDatabase(connection: connection, names: statements, invalidated: nil))
        }
    }

    public func autocommit<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await read(body)
    }

    /// Runs `body` in a transaction, again from `BEGIN` when a prepared statement the server no
    /// longer had aborted it (nothing was committed, so exactly-once is untouched).
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let body = DatabaseSpans.wrap(body, system: flavor)
        return try await client.withConnection { connection in
            var attempt = 0
            while true {
                let invalidated = PostgresPreparedDatabase.Invalidation()
                let database = PostgresPreparedDatabase(connection: connection, names: statements, invalidated: invalidated)
                do {
                    return try await database.runTransaction(body)
                } catch where invalidated.isSet && attempt < Self.invalidatedStatementRetries {
                    attempt += 1
                }
            }
        }
    }

    public func withMigrationLock<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await transaction { database in
            // Held until COMMIT or ROLLBACK: a second node starting at once waits here, then finds
            // every step recorded.
            try await database.raw("SELECT pg_advisory_xact_lock(\(bind: Self.migrationLockKey))").run()
            return try await body(database)
        }
    }

    /// Closes the pool and its connections; queries after this fail.
    public func shutdown() async {
        running.cancel()
        await running.value
    }
}

/// What a `postgres://` URL says, for the pool and for the first, direct connection.
struct PostgresSettings: Sendable {
    let connectionConfiguration: PostgresConnection.Configuration
    let clientConfiguration: PostgresClient.Configuration
    let connectTimeout: Duration
    /// `host:port/database`, never the user or password: for error messages.
    let target: String

    static let defaultConnectTimeout: Duration = .seconds(10)

    /// Parses the URL as PostgresKit does (user, password, host, port, database, `sslmode`), plus
    /// libpq's `connect_timeout` in seconds.
    init(url: String) throws(DatabaseURLError) {
        guard let parsed = try? SQLPostgresConfiguration(url: url), let components = URLComponents(string: url),
              let host = parsed.coreConfiguration.host
        else {
            throw .malformed
        }
        var timeout = Self.defaultConnectTimeout
        if let text = components.queryItems?.last(where: { $0.name == "connect_timeout" })?.value {
            guard let seconds = Int(text), seconds > 0 else { throw .badConnectTimeout }
            timeout = .seconds(seconds)
        }
        var connection = parsed.coreConfiguration
        connection.options.connectTimeout = TimeAmount(timeout)
        let core = parsed.coreConfiguration
        let tls: PostgresClient.Configuration.TLS = core.tls.isEnforced
            ? .require(.makeClientConfiguration())
            : core.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable
        var client = PostgresClient.Configuration(host: host, port: core.port ?? 5432, username: core.username,
                                                  password: core.password, database: core.database, tls: tls)
        client.options.connectTimeout = timeout
        self.connectionConfiguration = connection
        self.clientConfiguration = client
        self.connectTimeout = timeout
        self.target = "\(host):\(core.port ?? 5432)/\(core.database ?? core.username)"
    }
}

/// The database named by the URL could not be reached or refused the connection.
public struct DatabaseConnectionError: Error, CustomStringConvertible {
    public let target: String
    public let reason: String

    public var description: String { "cannot connect to PostgreSQL at \(target): \(reason)" }

    /// A one-line reason that names no secret: the server's own message (which names the user or
    /// database, never the password), or the socket error.
    static func reason(for error: any Error, timeout: Duration) -> String {
        let postgres = error as? PSQLError
        let cause = postgres?.underlying ?? error
        let text: String
        if cause is DeadlineExceeded || cause as? ChannelError == .connectTimeout(TimeAmount(timeout)) {
            text = "no answer within \(timeout.components.seconds) s (connect_timeout)"
        } else if let message = postgres?.serverInfo?[.message] {
            text = message
        } else if postgres?.code == .sslUnsupported {
            text = "the server does not offer TLS (add ?sslmode=disable to the URL to connect without it)"
        } else if postgres?.code == .authMechanismRequiresPassword {
            text = "the server asks for a password and the URL has none"
        } else if let connection = cause as? NIOConnectionError {
            // The socket's own words ("connection refused"), or that the name did not resolve.
            if let failure = connection.connectionErrors.lazy.compactMap({ $0.error as? IOError }).first {
                text = String(cString: strerror(failure.errnoCode)).lowercased()
            } else if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                text = "the host name does not resolve"
            } else {
                text = String(describing: connection)
            }
        } else if let postgres, postgres.underlying == nil {
            text = "\(postgres.code)"
        } else {
            text = String(describing: cause)
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
