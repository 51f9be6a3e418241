import SQLKit

extension SQLiteEngine {
    /// What `PRAGMA name` answers on every connection the engine opened — the writer, each reader
    /// and the checkpointer — each leased the way requests lease it, so a test can pin the
    /// settings durability rests on (`synchronous`, `journal_mode`) on all of them.
    func pragma(_ name: String) async throws -> [String] {
        let query = "PRAGMA \(name)"
        let written = try await transaction { database in
            try await database.raw(SQLQueryString(query)).all().map { try $0.decode(column: name, as: String.self) }
        }
        let read = try await withEveryReader { readers in
            try readers.flatMap { try Self.answers(to: query, column: name, on: $0) }
        }
        let checkpointed = try checkpointer.withConnection { try Self.answers(to: query, column: name, on: $0) }
        return written + read + checkpointed
    }

    /// Leases every reader at once (one after another, each held until `body` ends).
    private func withEveryReader<Result: Sendable>(
        holding held: [SQLiteConnection] = [], _ body: ([SQLiteConnection]) throws -> Result
    ) async throws -> Result {
        guard held.count < readerCount else { return try body(held) }
        return try await readers.withResource { try await withEveryReader(holding: held + [$0], body) }
    }

    private static func answers(to query: String, column: String, on connection: SQLiteConnection) throws -> [String] {
        var answers: [String] = []
        try connection.execute(query, binds: []) { answers.append(try $0.decode(column: column, as: String.self)) }
        return answers
    }
}
