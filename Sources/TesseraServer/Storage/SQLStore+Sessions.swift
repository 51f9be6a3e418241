import SQLKit
public import TesseraCore

extension SQLStore: SessionStore {
    public func insert(_ session: LoginSession, at now: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO login_sessions (id_hash, sid, user_id, auth_time, created_at, expires_at)
                VALUES (\(bind: session.idHash.hex), \(bind: session.sid), \(bind: session.userID), \(bind: session.authTime),
                        \(bind: now), \(bind: session.expiresAt))
                """).run()
        }
    }

    public func session(idHash: SecretHash, at now: Int) async throws -> LoginSession? {
        try await engine.read { database in
            try await database.raw("""
                SELECT id_hash, sid, user_id, auth_time, expires_at FROM login_sessions
                WHERE id_hash = \(bind: idHash.hex) AND ended_at IS NULL AND expires_at > \(bind: now)
                """).first().map { row in
                    LoginSession(
                        idHash: SecretHash(stored: try row.value("id_hash")),
                        sid: try row.value("sid"),
                        userID: try row.value("user_id"),
                        authTime: try row.value("auth_time"),
                        expiresAt: try row.value("expires_at")
                    )
                }
        }
    }

    @discardableResult
    public func endSession(idHash: SecretHash, at now: Int) async throws -> Bool {
        try await engine.transaction { database in
            let ended = try await database.raw("""
                UPDATE login_sessions SET ended_at = \(bind: now) WHERE id_hash = \(bind: idHash.hex) AND ended_at IS NULL
                RETURNING sid
                """).first()
            guard let ended else { return false }
            // Its clients are told in the same transaction: the session never ends untold.
            try await Self.enqueueBackchannelLogouts(sid: try ended.value("sid"), at: now, on: database)
            return true
        }
    }
}
