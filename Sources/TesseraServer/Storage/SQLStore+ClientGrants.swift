import SQLKit
import TesseraCore

/// The columns ``ClientGrant/init(row:)`` reads.
let clientGrantColumns = "id, client_id, api_identifier, scopes"

extension SQLStore: ClientGrantStore {
    public func clientGrant(clientID: String, apiIdentifier: String) async throws -> ClientGrant? {
        try await engine.read { database in
            try await database.raw("""
                SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants
                WHERE client_id = \(bind: clientID) AND api_identifier = \(bind: apiIdentifier)
                """).first().map(ClientGrant.init(row:))
        }
    }

    public func clientGrants() async throws -> [ClientGrant] {
        try await engine.read { database in
            try await database.raw("SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants ORDER BY client_id, api_identifier")
                .all().map(ClientGrant.init(row:))
        }
    }

    public func insert(_ grant: ClientGrant, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO client_grants (id, client_id, api_identifier, scopes, created_at)
                VALUES (\(bind: grant.id), \(bind: grant.clientID), \(bind: grant.apiIdentifier), \(bind: grant.scopes.description), \(bind: now))
                ON CONFLICT DO NOTHING RETURNING id
                """).first() != nil
        }
    }

    public func deleteClientGrant(clientID: String, apiIdentifier: String) async throws -> Bool {
        try await removeClientGrant(clientID: clientID, apiIdentifier: apiIdentifier) != nil
    }
}

/// The reads and writes behind ``Administration``'s client-grant operations.
extension SQLStore {
    func clientGrant(id: String) async throws -> ClientGrant? {
        try await engine.read { database in
            try await database.raw("SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants WHERE id = \(bind: id)")
                .first().map(ClientGrant.init(row:))
        }
    }

    /// Client grants by client and API, optionally only those of one client or one API.
    func clientGrants(_ request: PageRequest, clientID: String?, apiIdentifier: String?) async throws -> ResultPage<ClientGrant> {
        var conditions: [SQLQueryString] = []
        if let clientID { conditions.append("client_id = \(bind: clientID)") }
        if let apiIdentifier { conditions.append("api_identifier = \(bind: apiIdentifier)") }
        let filter: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await page(request,
                              select: "SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants" + filter + " ORDER BY client_id, api_identifier",
                              count: "SELECT COUNT(*) AS total FROM client_grants" + filter, ClientGrant.init(row:))
    }

    /// Reads the grant and its API under a row lock, passes them to `change`, and writes the scopes
    /// `change` returns, in one transaction: nil when there is no such grant; nothing is written
    /// when `change` throws.
    func updateClientGrant(
        id: String, _ change: @escaping @Sendable (ClientGrant, API) throws -> Scope
    ) async throws -> (before: ClientGrant, after: ClientGrant)? {
        let lock = lockingClause
        return try await engine.transaction { database in
            guard let before = try await database.raw("""
                SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants WHERE id = \(bind: id)\(lock)
                """).first().map(ClientGrant.init(row:)),
                let api = try await database.raw("""
                    SELECT \(unsafeRaw: apiColumns) FROM apis WHERE identifier = \(bind: before.apiIdentifier)
                    """).first().map(API.init(row:))
            else {
                return nil
            }
            var after = before
            after.scopes = try change(before, api)
            try await database.raw("UPDATE client_grants SET scopes = \(bind: after.scopes.description) WHERE id = \(bind: id)").run()
            return (before, after)
        }
    }

    /// Deletes the grant with `id`; returns it, or nil when there was none.
    func deleteClientGrant(id: String) async throws -> ClientGrant? {
        try await removeClientGrant(where: "id = \(bind: id)")
    }

    /// Deletes the grant of `clientID` for `apiIdentifier`; returns it, or nil when there was none.
    func removeClientGrant(clientID: String, apiIdentifier: String) async throws -> ClientGrant? {
        try await removeClientGrant(where: "client_id = \(bind: clientID) AND api_identifier = \(bind: apiIdentifier)")
    }

    /// Deletes the one grant `condition` selects, returning it.
    private func removeClientGrant(where condition: SQLQueryString) async throws -> ClientGrant? {
        try await engine.transaction { database in
            try await database.raw("DELETE FROM client_grants WHERE " + condition + " RETURNING \(unsafeRaw: clientGrantColumns)")
                .first().map(ClientGrant.init(row:))
        }
    }
}

extension ClientGrant {
    init(row: any SQLRow) throws {
        self.init(id: try row.value("id"), clientID: try row.value("client_id"), apiIdentifier: try row.value("api_identifier"),
                  scopes: Scope(try row.value("scopes", as: String.self)))
    }
}
