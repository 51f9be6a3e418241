import SQLKit
public import TesseraCore

/// The columns ``Grant/init(row:)`` reads, qualified by a table alias when one is given.
func grantColumns(_ alias: String? = nil) -> String {
    let columns = [
        "id", "client_id", "user_id", "scope", "audience", "nonce", "auth_time", "sid", "redirect_uri",
        "code_challenge", "code_expires_at", "created_at", "expires_at", "revoked_at",
        "claims", "dpop_jkt",
    ]
    return columns.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
}

extension SQLStore: AuthorizationCodeStore {
    public func insert(_ grant: Grant, codeHash: SecretHash) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO grants (id, client_id, user_id, scope, audience, nonce, auth_time, sid, redirect_uri, code_hash,
                                    code_challenge, code_expires_at, created_at, expires_at, claims, dpop_jkt)
                VALUES (\(bind: grant.id), \(bind: grant.clientID), \(bind: grant.userID), \(bind: grant.scope.description),
                        \(bind: grant.audience), \(bind: grant.nonce), \(bind: grant.authTime), \(bind: grant.sid),
                        \(bind: grant.redirectURI), \(bind: codeHash.hex), \(bind: grant.codeChallenge), \(bind: grant.codeExpiresAt),
                        \(bind: grant.createdAt), \(bind: grant.expiresAt), \(bind: grant.claims?.json), \(bind: grant.dpopThumbprint))
                """).run()
        }
    }
}

extension SQLStore: RefreshTokenStore {
    public func refreshToken(hash: SecretHash) async throws -> (token: RefreshTokenRecord, grant: Grant)? {
        try await engine.read { database in
            try await database.raw("""
                SELECT \(unsafeRaw: refreshTokenColumns("t")), \(unsafeRaw: grantColumns("g"))
                FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id
                WHERE t.token_hash = \(bind: hash.hex)
                """).first().map { row in (try RefreshTokenRecord(prefixedRow: row), try Grant(row: row)) }
        }
    }

    public func revokeGrant(ofRefreshTokenHash tokenHash: SecretHash, clientID: String, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            // Revoked now, rather than before: its client is told its session is over.
            if let revoked = try await database.raw("""
                UPDATE grants SET revoked_at = \(bind: now)
                WHERE id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: tokenHash.hex)) AND client_id = \(bind: clientID)
                  AND revoked_at IS NULL
                RETURNING id
                """).first() {
                try await Self.enqueueBackchannelLogout(grantID: try revoked.value("id"), at: now, on: database)
                return true
            }
            return try await database.raw("""
                SELECT id FROM grants
                WHERE id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: tokenHash.hex)) AND client_id = \(bind: clientID)
                """).first() != nil
        }
    }
}

extension SQLStore: AccessTokenStore {
    public func accessToken(hash: SecretHash) async throws -> AccessTokenRecord? {
        try await engine.read { database in
            try await database.raw("""
                SELECT t.scope AS token_scope, t.audience AS token_audience, t.created_at AS token_created_at,
                       t.expires_at AS token_expires_at, t.revoked_at AS token_revoked_at, t.dpop_jkt AS token_dpop_jkt,
                       \(unsafeRaw: grantColumns("g"))
                FROM access_tokens t JOIN grants g ON g.id = t.grant_id
                WHERE t.token_hash = \(bind: hash.hex)
                """).first().map { row in
                    AccessTokenRecord(
                        grant: try Grant(row: row),
                        scope: Scope(try row.value("token_scope", as: String.self)),
                        audience: try row.optional("token_audience"),
                        createdAt: try row.value("token_created_at"),
                        expiresAt: try row.value("token_expires_at"),
                        revokedAt: try row.optional("token_revoked_at"),
                        dpopThumbprint: try row.optional("token_dpop_jkt")
                    )
                }
        }
    }

    public func revokeAccessToken(hash: SecretHash, clientID: String, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                UPDATE access_tokens SET revoked_at = COALESCE(revoked_at, \(bind: now))
                WHERE token_hash = \(bind: hash.hex) AND grant_id IN (SELECT id FROM grants WHERE client_id = \(bind: clientID))
                RETURNING token_hash
                """).first() != nil
        }
    }
}

extension Grant {
    init(row: any SQLRow) throws {
        self.init(
            id: try row.value("id"),
            clientID: try row.value("client_id"),
            userID: try row.optional("user_id"),
            scope: Scope(try row.value("scope", as: String.self)),
            audience: try row.optional("audience"),
            nonce: try row.optional("nonce"),
            authTime: try row.optional("auth_time"),
            sid: try row.optional("sid"),
            redirectURI: try row.optional("redirect_uri"),
            codeChallenge: try row.optional("code_challenge"),
            claims: try row.optional("claims", as: String.self).flatMap { try? ClaimsRequest(json: $0) },
            dpopThumbprint: try row.optional("dpop_jkt"),
            codeExpiresAt: try row.optional("code_expires_at"),
            createdAt: try row.value("created_at"),
            expiresAt: try row.value("expires_at"),
            revokedAt: try row.optional("revoked_at")
        )
    }
}
