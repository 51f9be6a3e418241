import PostgresNIO
import Synchronization

/// Which SQL texts each pooled PostgreSQL connection has prepared, and under which names.
///
/// A name is handed out the first time a connection runs a text (with its parameter types), and
/// reused from then on, so the server parses and plans the statement once per connection. A name
/// whose first run failed is never handed out again on that connection (postgres-nio remembers a
/// failed preparation for good), nor one the server says it no longer has (`DEALLOCATE ALL`, a
/// schema change under a `SELECT *`): the text is prepared again under a fresh name.
///
/// Bounded: a connection gets at most ``capacity`` names in its life; past that, new texts run
/// unnamed (parsed each time), as every statement did before.
final class PreparedStatementNames: Sendable {
    /// The store sends about a hundred distinct statements; room for them all, with headroom for
    /// the few whose text varies (lists of values).
    static let capacity = 256

    /// A statement as the server prepares it: its text and the types of its parameters.
    struct Key: Hashable, Sendable {
        let sql: String
        let types: [PostgresDataType]
    }

    /// How to run a statement on a connection.
    enum Lease: Equatable {
        /// Under this name; `confirmed` once it has run successfully on this connection.
        case named(String, confirmed: Bool)
        /// Unnamed (the connection has handed out all its names).
        case unnamed
    }

    private struct Session {
        weak var connection: PostgresConnection?
        var names: [Key: (name: String, confirmed: Bool)] = [:]
        var issued = 0
    }

    private let capacity: Int
    private let sessions = Mutex<[ObjectIdentifier: Session]>([:])

    init(capacity: Int = PreparedStatementNames.capacity) {
        self.capacity = capacity
    }

    /// The name `key` runs under on `connection`, handing out a new one on first use.
    func lease(_ key: Key, on connection: PostgresConnection) -> Lease {
        sessions.withLock { sessions in
            let id = ObjectIdentifier(connection)
            if sessions[id]?.connection !== connection {
                // A connection the pool opened since, possibly at a dead one's address: start afresh,
                // and forget connections that are gone.
                sessions = sessions.filter { $0.value.connection != nil }
                sessions[id] = Session(connection: connection)
            }
            if let known = sessions[id]?.names[key] {
                return .named(known.name, confirmed: known.confirmed)
            }
            guard let issued = sessions[id]?.issued, issued < capacity else { return .unnamed }
            let name = "tessera_\(issued)"
            sessions[id]?.issued = issued + 1
            sessions[id]?.names[key] = (name, false)
            return .named(name, confirmed: false)
        }
    }

    /// `key` ran under its name on `connection`: later failures are the statement's, not its preparation's.
    func confirm(_ key: Key, on connection: PostgresConnection) {
        sessions.withLock { $0[ObjectIdentifier(connection)]?.names[key]?.confirmed = true }
    }

    /// Never use `key`'s current name on `connection` again: its preparation may have failed, or
    /// the server no longer has it.
    func forget(_ key: Key, on connection: PostgresConnection) {
        sessions.withLock { sessions in
            let id = ObjectIdentifier(connection)
            guard sessions[id]?.connection === connection else { return }
            sessions[id]?.names[key] = nil
        }
    }

    /// The names `connection` has handed out, live or forgotten (for tests).
    func issued(on connection: PostgresConnection) -> Int {
        sessions.withLock { $0[ObjectIdentifier(connection)].map { $0.connection === connection ? $0.issued : 0 } ?? 0 }
    }
}
