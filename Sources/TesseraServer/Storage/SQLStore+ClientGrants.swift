import SQLKit
import TesseraCore

extension SQLStore: ClientGrantStore {
    public func clientGrant(clientID: String, apiIdentifier: String) async throws -> ClientGrant? {
        try await engine.read { database in
            try await database.raw("""
                SELECT client_id, api_identifier, scopes FROM client_grants
                WHERE client_id = \(bind: clientID) AND api_identifier = \(bind: apiIdentifier)
                """).first().map(ClientGrant.init(row:))
        }
    }

    public func clientGrants() async throws -> [ClientGrant] {
        try await engine.read { database in
            try await database.raw("SELECT client_id, api_identifier, scopes FROM client_grants ORDER BY client_id, api_identifier")
                .all().map(ClientGrant.init(row:))
        }
    }

    public func insert(_ grant: ClientGrant, at now: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO client_grants (client_id, api_identifier, scopes, created_at)
                VALUES (\(bind: grant.clientID), \(bind: grant.apiIdentifier), \(bind: grant.scopes.description), \(bind: now))
                """).run()
        }
    }

    public func deleteClientGrant(clientID: String, apiIdentifier: String) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                DELETE FROM client_grants WHERE client_id = \(bind: clientID) AND api_identifier = \(bind: apiIdentifier)
                RETURNING client_id
                """).first() != nil
        }
    }
}

extension ClientGrant {
    init(row: any SQLRow) throws {
        self.init(clientID: try row.value("client_id"), apiIdentifier: try row.value("api_identifier"),
                  scopes: Scope(try row.value("scopes", as: String.self)))
    }
}
