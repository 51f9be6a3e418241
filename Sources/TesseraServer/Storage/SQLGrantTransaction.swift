import SQLKit
import TesseraCore

extension SQLStore: GrantStore {
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any GrantTransaction) async throws -> Result) async throws -> Result {
        let flavor = engine.flavor
        return try await engine.transaction { database in
            try await body(SQLGrantTransaction(database: database, flavor: flavor))
        }
    }

    public func autocommit<Result: Sendable>(_ body: @escaping @Sendable (any GrantTransaction) async throws -> Result) async throws -> Result {
        let flavor = engine.flavor
        return try await engine.autocommit { database in
            try await body(SQLGrantTransaction(database: database, flavor: flavor))
        }
    }
}

/// The grant operations on one transaction's connection, on SQLite and PostgreSQL.
///
/// On PostgreSQL every operation of the code exchange is one statement — the consuming `UPDATE`
/// joined to its user in a data-modifying `WITH`, all token rows in another — so an exchange
/// costs two round trips (see ``GrantStore/autocommit(_:)``). SQLite has no data-modifying `WITH`; its statements
/// run inline on the group-commit writer, where a few more cost microseconds, not round trips.
struct SQLGrantTransaction: GrantTransaction {
    let database: any SQLDatabase
    let flavor: SQLFlavor

    func consumeCode(hash: SecretHash, at now: Int) async throws -> CodeConsumption {
        let consumed: GrantWithUser?
        switch flavor {
        case .postgres:
            consumed = try await database.raw("""
                WITH consumed AS (
                    UPDATE grants SET code_consumed_at = \(bind: now)
                    WHERE code_hash = \(bind: hash.hex) AND code_consumed_at IS NULL
                    RETURNING \(unsafeRaw: grantColumns())
                )
                SELECT \(unsafeRaw: grantColumns("g")), \(unsafeRaw: joinedUserColumns("u"))
                FROM consumed g LEFT JOIN users u ON u.id = g.user_id
                """).first().map(GrantWithUser.init(row:))
        case .sqlite:
            let grant = try await database.raw("""
                UPDATE grants SET code_consumed_at = \(bind: now)
                WHERE code_hash = \(bind: hash.hex) AND code_consumed_at IS NULL
                RETURNING \(unsafeRaw: grantColumns())
                """).first().map(Grant.init(row:))
            consumed = if let grant { try await withUser(grant) } else { nil }
        }
        if let consumed { return .consumed(consumed) }
        guard let grant = try await database.raw("SELECT \(unsafeRaw: grantColumns()) FROM grants WHERE code_hash = \(bind: hash.hex)")
            .first().map(Grant.init(row:))
        else { return .unknown }
        return .alreadyUsed(grant)
    }

    func rotateRefreshToken(hash: SecretHash, at now: Int) async throws -> RefreshRotation {
        if let rotated = try await rotate(hash, at: now) {
            return .rotated(rotated.token, rotated.grant)
        }
        // Locked on PostgreSQL, so concurrent graced retries of one token run one after another,
        // each seeing the successor the one before it minted (SQLite has one writer already).
        let lock: SQLQueryString = flavor == .postgres ? " FOR UPDATE OF t" : ""
        guard let found = try await database.raw("""
            SELECT \(unsafeRaw: refreshTokenColumns("t")), \(unsafeRaw: grantColumns("g")), \(unsafeRaw: joinedUserColumns("u"))
            FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id LEFT JOIN users u ON u.id = g.user_id
            WHERE t.token_hash = \(bind: hash.hex)
            """ + lock).first().map(Self.tokenAndGrant)
        else { return .unknown }
        return .alreadyRotated(found.token, found.grant)
    }

    /// Rotates a live token out and reads its grant and user: one statement on PostgreSQL.
    private func rotate(_ hash: SecretHash, at now: Int) async throws -> (token: RefreshTokenRecord, grant: GrantWithUser)? {
        let update: SQLQueryString = """
            UPDATE refresh_tokens SET rotated_at = \(bind: now)
            WHERE token_hash = \(bind: hash.hex) AND rotated_at IS NULL
            RETURNING \(unsafeRaw: refreshTokenColumns())
            """
        switch flavor {
        case .postgres:
            return try await database.raw("""
                WITH t AS (\(update))
                SELECT t.*, \(unsafeRaw: grantColumns("g")), \(unsafeRaw: joinedUserColumns("u"))
                FROM t JOIN grants g ON g.id = t.t_grant_id LEFT JOIN users u ON u.id = g.user_id
                """).first().map(Self.tokenAndGrant)
        case .sqlite:
            guard let token = try await database.raw(update).first().map(RefreshTokenRecord.init(prefixedRow:)) else { return nil }
            guard let grant = try await database.raw("""
                SELECT \(unsafeRaw: grantColumns("g")), \(unsafeRaw: joinedUserColumns("u"))
                FROM grants g LEFT JOIN users u ON u.id = g.user_id WHERE g.id = \(bind: token.grantID)
                """).first().map(GrantWithUser.init(row:))
            else { return nil }
            return (token, grant)
        }
    }

    func supersedeSuccessor(of hash: SecretHash, at now: Int) async throws -> Bool {
        try await database.raw("""
            UPDATE refresh_tokens SET rotated_at = \(bind: now)
            WHERE parent_hash = \(bind: hash.hex) AND rotated_at IS NULL
            RETURNING token_hash
            """).first() != nil
    }

    func revokeGrant(id: String, at now: Int) async throws {
        // Revoked now, rather than before: its client is told its session is over.
        guard try await database.raw("""
            UPDATE grants SET revoked_at = \(bind: now) WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id
            """).first() != nil
        else { return }
        try await SQLStore.enqueueBackchannelLogout(grantID: id, at: now, on: database)
    }

    func insert(_ grant: Grant) async throws {
        try await database.raw("""
            INSERT INTO grants (id, client_id, user_id, scope, audience, created_at, expires_at)
            VALUES (\(bind: grant.id), \(bind: grant.clientID), \(bind: grant.userID), \(bind: grant.scope.description),
                    \(bind: grant.audience), \(bind: grant.createdAt), \(bind: grant.expiresAt))
            """).run()
    }

    func insert(_ tokens: IssuedTokens, under grant: Grant, at now: Int) async throws {
        let access = tokens.accessToken
        var statements: [SQLQueryString] = ["""
            INSERT INTO access_tokens (token_hash, grant_id, scope, audience, created_at, expires_at, dpop_jkt)
            VALUES (\(bind: access.hash.hex), \(bind: grant.id), \(bind: access.scope), \(bind: access.audience), \(bind: now),
                    \(bind: access.expiresAt), \(bind: access.dpopThumbprint))
            """]
        if let refresh = tokens.refreshToken {
            statements.append("""
                INSERT INTO refresh_tokens (token_hash, grant_id, parent_hash, scope, created_at, expires_at, dpop_jkt)
                VALUES (\(bind: refresh.hash.hex), \(bind: grant.id), \(bind: refresh.parentHash?.hex), \(bind: refresh.scope), \(bind: now),
                        \(bind: refresh.expiresAt), \(bind: refresh.dpopThumbprint))
                """)
        }
        // The grant lives as long as the longest-lived token under it, for collection.
        let expiresAt = max(access.expiresAt, tokens.refreshToken?.expiresAt ?? 0)
        if expiresAt > grant.expiresAt {
            statements.append("UPDATE grants SET expires_at = \(bind: expiresAt) WHERE id = \(bind: grant.id)")
        }
        switch flavor {
        case .postgres:
            try await database.raw(Self.oneStatement(statements)).run()
        case .sqlite:
            for statement in statements {
                try await database.raw(statement).run()
            }
        }
    }

    /// Several writes as one PostgreSQL statement: all but the last in a data-modifying `WITH`.
    private static func oneStatement(_ statements: [SQLQueryString]) -> SQLQueryString {
        guard let last = statements.last else { return "" }
        let leading = statements.dropLast().enumerated().map { index, statement -> SQLQueryString in
            "w\(unsafeRaw: String(index)) AS (\(statement))"
        }
        guard let first = leading.first else { return last }
        return "WITH " + leading.dropFirst().reduce(first) { $0 + ", " + $1 } + " " + last
    }

    private func withUser(_ grant: Grant) async throws -> GrantWithUser {
        guard let userID = grant.userID else { return GrantWithUser(grant: grant, user: nil) }
        let user = try await database.raw("SELECT \(unsafeRaw: joinedUserColumns("u")) FROM users u WHERE u.id = \(bind: userID)")
            .first().flatMap(User.init(joinedRow:))
        return GrantWithUser(grant: grant, user: user)
    }

    private static func tokenAndGrant(_ row: any SQLRow) throws -> (token: RefreshTokenRecord, grant: GrantWithUser) {
        (try RefreshTokenRecord(prefixedRow: row), try GrantWithUser(row: row))
    }
}

/// The refresh token's columns, each named with the prefix `t_` so they cannot collide with its
/// grant's in a join (see ``RefreshTokenRecord/init(prefixedRow:)``).
func refreshTokenColumns(_ alias: String? = nil) -> String {
    ["token_hash", "grant_id", "scope", "created_at", "expires_at", "rotated_at", "dpop_jkt"]
        .map { column in "\(alias.map { "\($0)." } ?? "")\(column) AS t_\(column)" }
        .joined(separator: ", ")
}

extension RefreshTokenRecord {
    init(prefixedRow row: any SQLRow) throws {
        self.init(
            hash: SecretHash(stored: try row.value("t_token_hash")),
            grantID: try row.value("t_grant_id"),
            scope: Scope(try row.value("t_scope", as: String.self)),
            createdAt: try row.value("t_created_at"),
            expiresAt: try row.value("t_expires_at"),
            rotatedAt: try row.optional("t_rotated_at"),
            dpopThumbprint: try row.optional("t_dpop_jkt")
        )
    }
}

extension GrantWithUser {
    /// A row of ``grantColumns(_:)`` joined to ``joinedUserColumns(_:)``.
    init(row: any SQLRow) throws {
        self.init(grant: try Grant(row: row), user: try User(joinedRow: row))
    }
}
