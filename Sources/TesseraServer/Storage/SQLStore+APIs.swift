import Foundation
import SQLKit
import TesseraCore

/// The columns ``API/init(row:)`` reads.
let apiColumns = "identifier, name, scopes, scope_descriptions"

extension SQLStore: APIStore {
    public func api(identifier: String) async throws -> API? {
        try await engine.read { database in
            try await database.raw("SELECT \(unsafeRaw: apiColumns) FROM apis WHERE identifier = \(bind: identifier)")
                .first().map(API.init(row:))
        }
    }

    public func insert(_ api: API, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO apis (identifier, name, scopes, scope_descriptions, token_lifetime, created_at)
                VALUES (\(bind: api.identifier), \(bind: api.name), \(bind: api.scopes.description),
                        \(bind: try API.encodeDescriptions(api.scopeDescriptions)), 0, \(bind: now))
                ON CONFLICT DO NOTHING RETURNING identifier
                """).first() != nil
        }
    }
}

extension API {
    init(row: any SQLRow) throws {
        self.init(identifier: try row.value("identifier"), name: try row.value("name"), scopes: Scope(try row.value("scopes", as: String.self)),
                  scopeDescriptions: try JSONDecoder().decode([String: String].self,
                                                             from: Data(try row.value("scope_descriptions", as: String.self).utf8)))
    }

    /// The `scope_descriptions` column: one JSON object, keys sorted so equal APIs store equal text.
    static func encodeDescriptions(_ descriptions: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(descriptions), as: UTF8.self)
    }
}
