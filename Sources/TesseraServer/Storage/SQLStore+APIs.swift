import SQLKit
import TesseraCore

extension SQLStore: APIStore {
    public func api(identifier: String) async throws -> API? {
        try await engine.read { database in
            try await database.raw("SELECT identifier, name, scopes FROM apis WHERE identifier = \(bind: identifier)")
                .first().map(API.init(row:))
        }
    }

    public func insert(_ api: API, at now: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO apis (identifier, name, scopes, token_lifetime, created_at)
                VALUES (\(bind: api.identifier), \(bind: api.name), \(bind: api.scopes.description), 0, \(bind: now))
                """).run()
        }
    }
}

extension API {
    init(row: any SQLRow) throws {
        self.init(identifier: try row.value("identifier"), name: try row.value("name"), scopes: Scope(try row.value("scopes", as: String.self)))
    }
}
