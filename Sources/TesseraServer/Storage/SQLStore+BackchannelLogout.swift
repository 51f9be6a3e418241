import SQLKit
import TesseraCore

extension SQLStore: BackchannelLogoutStore {
    public func claimBackchannelLogouts(at now: Int, leasedUntil: Int, limit: Int) async throws -> [PendingBackchannelLogout] {
        // PostgreSQL: rows another node is claiming are skipped, not waited for. SQLite has one
        // writer at a time, so the conditional UPDATE alone claims each row once.
        let lock = engine.flavor == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await engine.transaction { database in
            let claimed = try await database.raw("""
                UPDATE backchannel_logouts SET leased_until = \(bind: leasedUntil), attempts = attempts + 1
                WHERE id IN (SELECT id FROM backchannel_logouts
                             WHERE next_attempt_at <= \(bind: now) AND leased_until <= \(bind: now)
                             ORDER BY next_attempt_at LIMIT \(bind: limit)\(unsafeRaw: lock))
                RETURNING id, client_id, subject, sid, attempts
                """).all()
            var pending: [PendingBackchannelLogout] = []
            for row in claimed {
                let id: String = try row.value("id")
                let clientID: String = try row.value("client_id")
                // The client may have withdrawn its URI since: then there is no one left to tell.
                guard let client = try await database.raw("""
                    SELECT backchannel_logout_uri, id_token_alg FROM clients WHERE id = \(bind: clientID)
                    """).first(), let uri: String = try client.optional("backchannel_logout_uri")
                else {
                    try await database.raw("DELETE FROM backchannel_logouts WHERE id = \(bind: id)").run()
                    continue
                }
                pending.append(PendingBackchannelLogout(
                    id: id, clientID: clientID, uri: uri, idTokenAlgorithm: try client.value("id_token_alg"),
                    subject: try row.value("subject"), sid: try row.optional("sid"), attempts: try row.value("attempts")))
            }
            return pending
        }
    }

    public func deleteBackchannelLogout(id: String) async throws {
        try await engine.transaction { database in
            try await database.raw("DELETE FROM backchannel_logouts WHERE id = \(bind: id)").run()
        }
    }

    public func retryBackchannelLogout(id: String, at nextAttemptAt: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                UPDATE backchannel_logouts SET next_attempt_at = \(bind: nextAttemptAt), leased_until = 0 WHERE id = \(bind: id)
                """).run()
        }
    }

    /// How many logout tokens are waiting (for tests and operators).
    public func pendingBackchannelLogoutCount() async throws -> Int {
        try await engine.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM backchannel_logouts").first()?.value("n", as: Int.self) ?? 0
        }
    }

    /// Queues a logout token for every client with a back-channel URI that got tokens in the
    /// provider session `sid` (OpenID Connect Back-Channel Logout 1.0 §2.7), inside the caller's
    /// transaction.
    static func enqueueBackchannelLogouts(sid: String, at now: Int, on database: any SQLDatabase) async throws {
        try await enqueueBackchannelLogouts(where: "g.sid = ", sid, at: now, on: database)
    }

    /// Queues a logout token for the client of one revoked grant, if it registered a URI, inside
    /// the caller's transaction.
    static func enqueueBackchannelLogout(grantID: String, at now: Int, on database: any SQLDatabase) async throws {
        try await enqueueBackchannelLogouts(where: "g.id = ", grantID, at: now, on: database)
    }

    /// Queues a logout token for every client with a back-channel URI that holds live tokens of
    /// the user, inside the caller's transaction: the user is being removed, so every session ends.
    static func enqueueBackchannelLogouts(userID: String, at now: Int, on database: any SQLDatabase) async throws {
        try await enqueueBackchannelLogouts(where: "g.revoked_at IS NULL AND g.user_id = ", userID, at: now, on: database)
    }

    /// The clients with tokens (a consumed code: tokens were issued) under the grants that match,
    /// one row per client, user and session.
    private static func enqueueBackchannelLogouts(where condition: String, _ value: String, at now: Int, on database: any SQLDatabase) async throws {
        let targets = try await database.raw("""
            SELECT DISTINCT g.client_id, g.user_id, g.sid FROM grants g JOIN clients c ON c.id = g.client_id
            WHERE \(unsafeRaw: condition)\(bind: value) AND g.user_id IS NOT NULL AND g.code_consumed_at IS NOT NULL
              AND c.backchannel_logout_uri IS NOT NULL
            """).all()
        for target in targets {
            let id = Secret.random(byteCount: 16).unredacted
            try await database.raw("""
                INSERT INTO backchannel_logouts (id, client_id, subject, sid, next_attempt_at, created_at)
                VALUES (\(bind: id), \(bind: try target.value("client_id", as: String.self)), \(bind: try target.value("user_id", as: String.self)),
                        \(bind: try target.optional("sid", as: String.self)), \(bind: now), \(bind: now))
                """).run()
        }
    }
}
