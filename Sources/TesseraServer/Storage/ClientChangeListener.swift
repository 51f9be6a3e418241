import Logging
import PostgresNIO
import ServiceLifecycle

/// Hears PostgreSQL announce that a client changed, from any process or node, and marks every
/// cached client record stale (``ClientChanges``).
///
/// A trigger on `clients` (migration 15) sends `NOTIFY tessera_clients` with each write; this
/// service keeps one connection of its own (outside the pool, which requests need) listening on
/// that channel. While it is not connected, nothing can be heard, so each (re)connection counts
/// as a change, and the cache's short lifetime bounds what a gap could hide.
struct ClientChangeListener: Service {
    /// The channel migration 15's trigger notifies.
    static let channel = "tessera_clients"
    /// How long to wait before connecting again after the connection failed.
    static let retryInterval: Duration = .seconds(1)

    let engine: PostgresEngine
    let changes: ClientChanges

    /// The listener a store needs: one for PostgreSQL, none for SQLite (one file, whose other
    /// processes cannot announce anything; the cache's lifetime bounds staleness there).
    static func services(for store: SQLStore) -> [any Service] {
        guard let engine = store.engine as? PostgresEngine else { return [] }
        return [ClientChangeListener(engine: engine, changes: store.clientChanges)]
    }

    func run() async throws {
        let logger = Logger(label: "tessera.client-changes")
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await listenOnce(logger: logger)
                } catch where Task.isCancelled {
                    return
                } catch {
                    logger.warning("listening for client changes failed; connecting again in \(Self.retryInterval)",
                                   metadata: ["error.type": .string(String(describing: type(of: error)))])
                }
                try await Task.sleep(for: Self.retryInterval)
            }
        }
    }

    /// Connects, listens until the connection ends, then closes it.
    private func listenOnce(logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: engine.connectionConfiguration, id: 0, logger: logger)
        do {
            try await connection.listen(on: Self.channel) { notifications in
                // Listening only now: whatever changed before is unknown.
                changes.changed()
                for try await _ in notifications {
                    changes.changed()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
