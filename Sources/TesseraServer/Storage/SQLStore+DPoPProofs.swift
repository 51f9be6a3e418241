import SQLKit

extension SQLStore: DPoPProofStore {
    /// One `INSERT … ON CONFLICT` on both engines: a new key is inserted, an expired row not yet
    /// collected is taken over (its proof's `iat` is outside the window anyway), and a live one
    /// is left alone and returns no row. Autocommitted: one statement needs no BEGIN and COMMIT.
    public func recordFirstUse(replayKey: String, expiresAt: Int, at now: Int) async throws -> Bool {
        try await engine.autocommit { database in
            try await database.raw("""
                INSERT INTO dpop_proofs (replay_key, expires_at) VALUES (\(bind: replayKey), \(bind: expiresAt))
                ON CONFLICT (replay_key) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_proofs.expires_at <= \(bind: now)
                RETURNING replay_key
                """).first() != nil
        }
    }
}
