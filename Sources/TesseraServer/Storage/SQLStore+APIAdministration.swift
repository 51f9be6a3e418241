import SQLKit
import TesseraCore

/// The reads and writes behind ``Administration``'s API operations, each write one transaction.
extension SQLStore {
    /// APIs oldest first (by the second they were added, then by identifier).
    func apis(_ request: PageRequest) async throws -> ResultPage<API> {
        try await page(request, select: "SELECT \(unsafeRaw: apiColumns) FROM apis ORDER BY created_at, identifier",
                       count: "SELECT COUNT(*) AS total FROM apis", API.init(row:))
    }

    /// Reads the API under a row lock, with the client grants for it, passes them to `change`, and
    /// writes the name, scopes and their descriptions `change` returns, in one transaction: nil when there is no such
    /// API; nothing is written when `change` throws.
    func updateAPI(
        identifier: String, _ change: @escaping @Sendable (API, [ClientGrant]) throws -> API
    ) async throws -> (before: API, after: API)? {
        let lock = lockingClause
        return try await engine.transaction { database in
            guard let before = try await database.raw("""
                SELECT \(unsafeRaw: apiColumns) FROM apis WHERE identifier = \(bind: identifier)\(lock)
                """).first().map(API.init(row:)) else {
                return nil
            }
            let grants = try await database.raw("""
                SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants WHERE api_identifier = \(bind: identifier) ORDER BY client_id
                """).all().map(ClientGrant.init(row:))
            var after = try change(before, grants)
            after.identifier = before.identifier
            try await database.raw("""
                UPDATE apis SET name = \(bind: after.name), scopes = \(bind: after.scopes.description),
                                scope_descriptions = \(bind: try API.encodeDescriptions(after.scopeDescriptions))
                WHERE identifier = \(bind: identifier)
                """).run()
            return (before, after)
        }
    }

    /// Deletes the API, its client grants (the schema's cascade) and the consents users gave for
    /// it (which no key ties to it: an API added again under the identifier must ask again), in one
    /// transaction. Returns the client grants that went with it, or nil when there was no such API.
    /// Access tokens already issued for it live out their lifetime.
    func deleteAPI(identifier: String) async throws -> [ClientGrant]? {
        try await engine.transaction { database in
            let grants = try await database.raw("""
                SELECT \(unsafeRaw: clientGrantColumns) FROM client_grants WHERE api_identifier = \(bind: identifier) ORDER BY client_id
                """).all().map(ClientGrant.init(row:))
            guard try await database.raw("DELETE FROM apis WHERE identifier = \(bind: identifier) RETURNING identifier").first() != nil else {
                return nil
            }
            try await database.raw("DELETE FROM consents WHERE audience = \(bind: identifier)").run()
            return grants
        }
    }
}
