import SQLKit
import TesseraCore

extension SQLStore: ConsentStore {
    public func consent(userID: String, clientID: String, audience: String?) async throws -> Consent? {
        try await engine.read { database in
            try await database.raw("""
                SELECT user_id, client_id, audience, scopes, created_at, updated_at FROM consents
                WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID) AND audience = \(bind: audience ?? "")
                """).first().map(Consent.init(row:))
        }
    }

    public func remember(_ consent: Consent) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO consents (user_id, client_id, audience, scopes, created_at, updated_at)
                VALUES (\(bind: consent.userID), \(bind: consent.clientID), \(bind: consent.audience ?? ""), \(bind: consent.scope.description),
                        \(bind: consent.createdAt), \(bind: consent.updatedAt))
                ON CONFLICT (user_id, client_id, audience) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at
                """).run()
        }
    }

    public func consents(userID: String) async throws -> [Consent] {
        try await engine.read { database in
            try await database.raw("""
                SELECT user_id, client_id, audience, scopes, created_at, updated_at FROM consents
                WHERE user_id = \(bind: userID) ORDER BY client_id, audience
                """).all().map(Consent.init(row:))
        }
    }

    public func revokeConsent(userID: String, clientID: String, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            guard try await database.raw("""
                DELETE FROM consents WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID) RETURNING client_id
                """).first() != nil
            else { return false }
            // Revoked now, like a refresh token revoked at /oauth/revoke: its client is told.
            let revoked = try await database.raw("""
                UPDATE grants SET revoked_at = \(bind: now)
                WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID) AND revoked_at IS NULL
                RETURNING id
                """).all()
            for grant in revoked {
                try await Self.enqueueBackchannelLogout(grantID: try grant.value("id"), at: now, on: database)
            }
            return true
        }
    }
}

extension Consent {
    init(row: any SQLRow) throws {
        let audience: String = try row.value("audience")
        self.init(userID: try row.value("user_id"), clientID: try row.value("client_id"), audience: audience.isEmpty ? nil : audience,
                  scope: Scope(try row.value("scopes", as: String.self)), createdAt: try row.value("created_at"),
                  updatedAt: try row.value("updated_at"))
    }
}
