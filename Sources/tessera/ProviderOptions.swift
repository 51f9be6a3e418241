import ArgumentParser
import Foundation
import Logging
import TesseraServer

/// Where the data is: the option every subcommand shares, alone for `migrate` and `gc`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "sqlite:///absolute/path, sqlite://relative/path or postgres://user:password@host:port/db[?sslmode=require&connect_timeout=10] (default: sqlite://tessera.sqlite; also TESSERA_DATABASE_URL).",
        valueName: "url"))
    var database: String?

    /// The database, from the flag or the environment.
    func databaseURL() throws -> DatabaseURL {
        guard let text = database ?? ProcessInfo.processInfo.environment["TESSERA_DATABASE_URL"] else {
            return .default
        }
        do {
            return try DatabaseURL(parsing: text)
        } catch {
            throw ValidationError("--database: \(error.description)")
        }
    }

    mutating func validate() throws {
        _ = try databaseURL()
    }

    /// Runs `body` with the database open (its schema untouched), closing it however `body` ends.
    func withStore<Result>(_ body: (SQLStore) async throws -> Result) async throws -> Result {
        try await using(try await SQLStore.open(try databaseURL()), close: { await $0.shutdown() }, body)
    }
}

/// The options of every subcommand that opens the provider: the database, and the master key that
/// seals the signing keys.
struct ProviderOptions: ParsableArguments {
    @OptionGroup var storage: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp(
        "A file holding the base64 master key (default: TESSERA_MASTER_KEY, or tessera.key beside the SQLite file, created on first run).",
        valueName: "path"))
    var masterKeyFile: String?

    @Option(name: .long, help: ArgumentHelp("bcrypt cost for user passwords (4–31).", valueName: "cost"))
    var bcryptCost: UInt8 = UInt8(ProcessInfo.processInfo.environment["TESSERA_BCRYPT_COST"] ?? "") ?? 10

    /// The database, from the flag or the environment.
    func databaseURL() throws -> DatabaseURL {
        try storage.databaseURL()
    }

    mutating func validate() throws {
        guard (4...31).contains(bcryptCost) else {
            throw ValidationError("--bcrypt-cost must be between 4 and 31")
        }
        if let masterKeyFile {
            do {
                guard try MasterKey.load(at: masterKeyFile) != nil else {
                    throw ValidationError("--master-key-file: no file at \(masterKeyFile)")
                }
            } catch let error as MasterKeyError {
                throw ValidationError("--master-key-file: \(error.description)")
            }
        }
    }

    /// The master key: from the environment, the given file, or `tessera.key` (created if absent).
    func masterKey(for database: DatabaseURL, logger: Logger) throws -> MasterKey {
        if let base64 = ProcessInfo.processInfo.environment["TESSERA_MASTER_KEY"] {
            return try MasterKey(base64: base64)
        }
        if let masterKeyFile {
            guard let key = try MasterKey.load(at: masterKeyFile) else { throw MasterKeyError.cannotRead(masterKeyFile) }
            return key
        }
        let path = database.defaultMasterKeyPath
        let (key, created) = try MasterKey.loadOrCreate(at: path)
        if created {
            logger.notice("created master key \(path) (mode 0600): back it up; without it the signing keys cannot be read")
            if case .postgres = database {
                logger.warning("every node sharing this PostgreSQL database must be given the same master key (TESSERA_MASTER_KEY or --master-key-file)")
            }
        }
        return key
    }

    /// Runs `body` with the provider open, closing it afterwards however `body` ends. The issuer
    /// matters only to a command that serves (`demo`); administration signs nothing.
    func withProvider<Result>(issuer: String = "http://localhost", logger: Logger = makeLogger(),
                              _ body: (Provider) async throws -> Result) async throws -> Result {
        try await using(try await openProvider(issuer: issuer, logger: logger), close: { await $0.shutdown() }, body)
    }

    /// Opens the provider against the configured database; the master key is read (or created)
    /// only once the database has answered, so an unreachable one leaves no key file behind.
    func openProvider(issuer: String, logger: Logger, poolSize: Int? = nil,
                      configure: (inout ProviderConfiguration) -> Void = { _ in }) async throws -> Provider {
        let database = try databaseURL()
        var configuration = ProviderConfiguration(issuer: issuer)
        configuration.bcryptCost = bcryptCost
        configure(&configuration)
        return try await Provider.open(configuration: configuration, store: try await SQLStore.open(database, poolSize: poolSize),
                                       masterKey: { try masterKey(for: database, logger: logger) })
    }
}

/// Runs `body` with `resource`, then `close` however `body` ended.
func using<Resource, Result>(
    _ resource: Resource, close: (Resource) async -> Void, _ body: (Resource) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await close(resource)
        throw error
    }
    await close(resource)
    return result
}

/// The logger of a command: one line per event on stderr, never a secret (see ``Secret``).
func makeLogger(_ label: String = "tessera") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}
