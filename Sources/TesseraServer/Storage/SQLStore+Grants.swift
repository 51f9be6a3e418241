import SQLKit
public import TesseraCore

/// The columns ``Grant/init(row:)`` reads, qualified by a table alias when one is given.
func grantColumns(_ alias: String? = nil) -> String {
    let columns = [
        "id", "client_id", "user_id", "scope", "audience", "nonce", "auth_time", "sid", "redirect_uri",
        "code_challenge", "code_expires_at", "created_at", "expires_at", "revoked_at",
        "claims",
    ]
    return columns.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
}

extension SQLStore: AuthorizationCodeStore {
    public func insert(_ grant: Grant, codeHash: String) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO grants (id, client_id, user_id, scope, audience, nonce, auth_time, sid, redirect_uri, code_hash,
                                    code_challenge, code_expires_at, created_at, expires_at, claims)
                VALUES (\(bind: grant.id), \(bind: grant.clientID), \(bind: grant.userID), \(bind: grant.scope.description),
                        \(bind: grant.audience), \(bind: grant.nonce), \(bind: grant.authTime), \(bind: grant.sid),
                        \(bind: grant.redirectURI), \(bind: codeHash), \(bind: grant.codeChallenge), \(bind: grant.codeExpiresAt),
                        \(bind: grant.createdAt), \(bind: grant.expiresAt), \(bind: grant.claims?.json))
                """).run()
        }
    }

    public func redeemCode(
        hash codeHash: String,
        at now: Int,
        issue: @escaping @Sendable (Grant) throws(OAuthError) -> IssuedTokens
    ) async throws -> Grant {
        let outcome: Outcome = try await engine.transaction { database in
            let consumed = try await database.raw("""
                UPDATE grants SET code_consumed_at = \(bind: now)
                WHERE code_hash = \(bind: codeHash) AND code_consumed_at IS NULL
                RETURNING \(unsafeRaw: grantColumns())
                """).first().map(Grant.init(row:))
            guard let grant = consumed else {
                // Seen before: revoke all it issued (RFC 6749 §4.1.2). Or never issued at all.
                let revoked = try await database.raw("""
                    UPDATE grants SET revoked_at = \(bind: now)
                    WHERE code_hash = \(bind: codeHash) AND revoked_at IS NULL RETURNING id
                    """).first()
                if let grantID = try revoked?.value("id", as: String.self) {
                    try await Self.enqueueBackchannelLogout(grantID: grantID, at: now, on: database)
                }
                let known = try await revoked != nil
                    ? true : database.raw("SELECT id FROM grants WHERE code_hash = \(bind: codeHash)").first() != nil
                return .refused(OAuthError(.invalidGrant, known
                    ? "The authorization code has already been used; the tokens issued for it have been revoked."
                    : "The authorization code is invalid."))
            }
            let tokens: IssuedTokens
            do throws(OAuthError) {
                tokens = try issue(grant)
            } catch {
                // The code stays consumed: a failed attempt burns it.
                return .refused(error)
            }
            try await self.insert(tokens, under: grant, at: now, on: database)
            return .issued(grant)
        }
        return try outcome.get()
    }
}

extension SQLStore: RefreshTokenStore {
    public func rotateRefreshToken(
        hash tokenHash: String,
        at now: Int,
        graceSeconds: Int,
        issue: @escaping @Sendable (Grant, RefreshTokenRecord) throws(OAuthError) -> IssuedTokens
    ) async throws -> Grant {
        let outcome: Outcome = try await engine.transaction { database in
            let rotated = try await database.raw("""
                UPDATE refresh_tokens SET rotated_at = \(bind: now)
                WHERE token_hash = \(bind: tokenHash) AND rotated_at IS NULL
                RETURNING token_hash, grant_id, scope, created_at, expires_at, rotated_at
                """).first().map(RefreshTokenRecord.init(row:))
            let record: RefreshTokenRecord
            if let rotated {
                record = rotated
            } else if let previous = try await self.graceRecord(tokenHash, at: now, graceSeconds: graceSeconds, on: database) {
                record = previous
            } else {
                return try await Self.refuseReuse(of: tokenHash, at: now, on: database)
            }
            guard let grant = try await database.raw("SELECT \(unsafeRaw: grantColumns()) FROM grants WHERE id = \(bind: record.grantID)")
                .first().map(Grant.init(row:))
            else {
                return .refused(OAuthError(.invalidGrant, "The refresh token is invalid."))
            }
            // A refusal throws, which rolls the rotation back: nothing changes.
            var tokens = try issue(grant, record)
            tokens.refreshToken?.parentHash = tokenHash
            try await self.insert(tokens, under: grant, at: now, on: database)
            return .issued(grant)
        }
        return try outcome.get()
    }

    /// The immediately previous refresh token, used again within the grace window while its
    /// successor is still unused: a retry, or a concurrent twin refresh, of the legitimate client.
    ///
    /// The unused successor is superseded (marked rotated) in the same transaction, so the grant
    /// keeps exactly one live refresh token however often the window is used; presenting the
    /// superseded one later is reuse like any other. Older generations (whose successor was itself
    /// used) never qualify. On PostgreSQL the previous token's row is locked first, so concurrent
    /// graced refreshes of it run one after another, each superseding the successor the one before
    /// it minted (SQLite runs one writer at a time already).
    private func graceRecord(_ tokenHash: String, at now: Int, graceSeconds: Int, on database: any SQLDatabase) async throws -> RefreshTokenRecord? {
        guard graceSeconds > 0 else { return nil }
        if engine.flavor == .postgres {
            try await database.raw("SELECT token_hash FROM refresh_tokens WHERE token_hash = \(bind: tokenHash) FOR UPDATE").run()
        }
        guard let previous = try await database.raw("""
            SELECT t.token_hash, t.grant_id, t.scope, t.created_at, t.expires_at, t.rotated_at
            FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id
            WHERE t.token_hash = \(bind: tokenHash) AND g.revoked_at IS NULL
              AND t.rotated_at IS NOT NULL AND t.rotated_at >= \(bind: now - graceSeconds)
            """).first().map(RefreshTokenRecord.init(row:))
        else { return nil }
        let superseded = try await database.raw("""
            UPDATE refresh_tokens SET rotated_at = \(bind: now)
            WHERE parent_hash = \(bind: tokenHash) AND rotated_at IS NULL
            RETURNING token_hash
            """).first()
        return superseded == nil ? nil : previous
    }

    /// A rotated-out token used again means it leaked: revoke the family (RFC 9700 §4.14.2).
    private static func refuseReuse(of tokenHash: String, at now: Int, on database: any SQLDatabase) async throws -> Outcome {
        let family = try await database.raw("""
            UPDATE grants SET revoked_at = \(bind: now)
            WHERE id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: tokenHash)) AND revoked_at IS NULL
            RETURNING id
            """).first()
        if let grantID = try family?.value("id", as: String.self) {
            try await enqueueBackchannelLogout(grantID: grantID, at: now, on: database)
        }
        let known = try await family != nil
            ? true : database.raw("SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: tokenHash)").first() != nil
        return .refused(OAuthError(.invalidGrant, known
            ? "The refresh token has already been used or revoked; every token of its grant has been revoked."
            : "The refresh token is invalid."))
    }

    public func refreshToken(hash: String) async throws -> (token: RefreshTokenRecord, grant: Grant)? {
        try await engine.read { database in
            try await database.raw("""
                SELECT t.token_hash, t.grant_id, t.scope AS token_scope, t.created_at AS token_created_at,
                       t.expires_at AS token_expires_at, t.rotated_at, \(unsafeRaw: grantColumns("g"))
                FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id
                WHERE t.token_hash = \(bind: hash)
                """).first().map { row in
                    let token = RefreshTokenRecord(
                        hash: try row.value("token_hash"),
                        grantID: try row.value("grant_id"),
                        scope: Scope(try row.value("token_scope", as: String.self)),
                        createdAt: try row.value("token_created_at"),
                        expiresAt: try row.value("token_expires_at"),
                        rotatedAt: try row.optional("rotated_at")
                    )
                    return (token, try Grant(row: row))
                }
        }
    }

    public func revokeGrant(ofRefreshTokenHash tokenHash: String, clientID: String, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            // Revoked now, rather than before: its client is told its session is over.
            if let revoked = try await database.raw("""
                UPDATE grants SET revoked_at = \(bind: now)
                WHERE id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: tokenHash)) AND client_id = \(bind: clientID)
                  AND revoked_at IS NULL
                RETURNING id
                """).first() {
                try await Self.enqueueBackchannelLogout(grantID: try revoked.value("id"), at: now, on: database)
                return true
            }
            return try await database.raw("""
                SELECT id FROM grants
                WHERE id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: tokenHash)) AND client_id = \(bind: clientID)
                """).first() != nil
        }
    }
}

extension SQLStore: AccessTokenStore {
    public func accessToken(hash: String) async throws -> AccessTokenRecord? {
        try await engine.read { database in
            try await database.raw("""
                SELECT t.scope AS token_scope, t.audience AS token_audience, t.created_at AS token_created_at,
                       t.expires_at AS token_expires_at, t.revoked_at AS token_revoked_at, \(unsafeRaw: grantColumns("g"))
                FROM access_tokens t JOIN grants g ON g.id = t.grant_id
                WHERE t.token_hash = \(bind: hash)
                """).first().map { row in
                    AccessTokenRecord(
                        grant: try Grant(row: row),
                        scope: Scope(try row.value("token_scope", as: String.self)),
                        audience: try row.optional("token_audience"),
                        createdAt: try row.value("token_created_at"),
                        expiresAt: try row.value("token_expires_at"),
                        revokedAt: try row.optional("token_revoked_at")
                    )
                }
        }
    }

    public func revokeAccessToken(hash: String, clientID: String, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            try await database.raw("""
                UPDATE access_tokens SET revoked_at = COALESCE(revoked_at, \(bind: now))
                WHERE token_hash = \(bind: hash) AND grant_id IN (SELECT id FROM grants WHERE client_id = \(bind: clientID))
                RETURNING token_hash
                """).first() != nil
        }
    }
}

extension SQLStore {
    /// What a transaction decided: tokens issued under a grant, or a refusal to throw once committed.
    enum Outcome: Sendable {
        case issued(Grant)
        case refused(OAuthError)

        func get() throws(OAuthError) -> Grant {
            switch self {
            case .issued(let grant): return grant
            case .refused(let error): throw error
            }
        }
    }

    /// Writes the token rows of a successful request, inside its transaction.
    func insert(_ tokens: IssuedTokens, under grant: Grant, at now: Int, on database: any SQLDatabase) async throws {
        let grantID = grant.id
        let access = tokens.accessToken
        try await database.raw("""
            INSERT INTO access_tokens (token_hash, grant_id, scope, audience, created_at, expires_at)
            VALUES (\(bind: access.hash), \(bind: grantID), \(bind: access.scope), \(bind: access.audience), \(bind: now), \(bind: access.expiresAt))
            """).run()
        if let refresh = tokens.refreshToken {
            try await database.raw("""
                INSERT INTO refresh_tokens (token_hash, grant_id, parent_hash, scope, created_at, expires_at)
                VALUES (\(bind: refresh.hash), \(bind: grantID), \(bind: refresh.parentHash), \(bind: refresh.scope), \(bind: now),
                        \(bind: refresh.expiresAt))
                """).run()
        }
        // The grant lives as long as the longest-lived token under it, for collection.
        let expiresAt = max(access.expiresAt, tokens.refreshToken?.expiresAt ?? 0)
        if expiresAt > grant.expiresAt {
            try await database.raw("UPDATE grants SET expires_at = \(bind: expiresAt) WHERE id = \(bind: grantID)").run()
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
            codeExpiresAt: try row.optional("code_expires_at"),
            createdAt: try row.value("created_at"),
            expiresAt: try row.value("expires_at"),
            revokedAt: try row.optional("revoked_at")
        )
    }
}

extension RefreshTokenRecord {
    init(row: any SQLRow) throws {
        self.init(
            hash: try row.value("token_hash"),
            grantID: try row.value("grant_id"),
            scope: Scope(try row.value("scope", as: String.self)),
            createdAt: try row.value("created_at"),
            expiresAt: try row.value("expires_at"),
            rotatedAt: try row.optional("rotated_at")
        )
    }
}
