import Foundation

/// Where the provider keeps its data, from `--database` or `TESSERA_DATABASE_URL`.
///
/// - `sqlite:///absolute/path.sqlite` or `sqlite://relative/path.sqlite`: the embedded default.
/// - `postgres://user:password@host:port/database` (or `postgresql://`): for many nodes, with
///   optional `sslmode=disable|prefer|require` (default `prefer`) and `connect_timeout=SECONDS`
///   (default 10).
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// The default: `./tessera.sqlite`.
    public static let `default` = DatabaseURL.sqlite(path: "tessera.sqlite")

    public init(parsing text: String) throws(DatabaseURLError) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty, path != "/" else { throw .missingPath }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard URL(string: text)?.host?.isEmpty == false else { throw .malformed }
            _ = try PostgresSettings(url: text)
            self = .postgres(url: text)
        } else {
            throw .unsupportedScheme
        }
    }

    /// Opens the engine, creating an SQLite file (and its folder) when missing. `poolSize` caps a
    /// PostgreSQL node's connections (default ``PostgresEngine/defaultMaximumConnections``);
    /// SQLite, one file in this process, ignores it.
    public func openEngine(poolSize: Int? = nil) async throws -> any SQLEngine {
        switch self {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            return try await SQLiteEngine.open(path: path)
        case .postgres(let url):
            return try await PostgresEngine.open(url: url, maximumConnections: poolSize ?? PostgresEngine.defaultMaximumConnections)
        }
    }

    /// Where `tessera.key` goes when no master key is given: beside the SQLite file, or in the
    /// working directory for PostgreSQL (every node must then be given the same file).
    public var defaultMasterKeyPath: String {
        switch self {
        case .sqlite(let path):
            return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("tessera.key")
        case .postgres:
            return "tessera.key"
        }
    }

    /// The URL without its password, for log lines.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite://\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            guard components.password != nil else { return components.string ?? "postgres://…" }
            // A placeholder without characters URLComponents would percent-encode, so it reads as one.
            components.password = "REDACTED"
            return components.string ?? "postgres://…"
        }
    }
}

public enum DatabaseURLError: Error, CustomStringConvertible {
    case unsupportedScheme
    case missingPath
    case malformed
    case badConnectTimeout

    public var description: String {
        switch self {
        case .unsupportedScheme: "the database URL must start with sqlite:// or postgres://"
        case .missingPath: "the sqlite:// URL has no file path (sqlite:///absolute/path or sqlite://relative/path)"
        case .malformed: "the postgres:// URL is malformed (postgres://user:password@host:port/database)"
        case .badConnectTimeout: "connect_timeout in the postgres:// URL must be a whole number of seconds above 0"
        }
    }
}
