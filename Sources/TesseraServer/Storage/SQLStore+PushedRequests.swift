import SQLKit
public import TesseraCore

extension SQLStore: PushedRequestStore {
    public func insert(_ request: PushedRequest, referenceHash: SecretHash, at now: Int) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO pushed_requests (reference_hash, client_id, parameters, created_at, expires_at)
                VALUES (\(bind: referenceHash.hex), \(bind: request.clientID), \(bind: request.parameters), \(bind: now), \(bind: request.expiresAt))
                """).run()
        }
    }

    /// One conditional `UPDATE … RETURNING` marks the row used, so exactly-once rests on the
    /// database on both engines; only when it matches nothing does a read say why.
    public func usePushedRequest(referenceHash: SecretHash, clientID: String, at now: Int) async throws -> PushedRequestUse {
        try await engine.transaction { database in
            if let row = try await database.raw("""
                UPDATE pushed_requests SET used_at = \(bind: now)
                WHERE reference_hash = \(bind: referenceHash.hex) AND client_id = \(bind: clientID)
                  AND used_at IS NULL AND expires_at > \(bind: now)
                RETURNING client_id, parameters, expires_at
                """).first() {
                return .consumed(PushedRequest(clientID: try row.value("client_id"), parameters: try row.value("parameters"),
                                               expiresAt: try row.value("expires_at")))
            }
            guard let row = try await database.raw("""
                SELECT client_id, expires_at, used_at FROM pushed_requests WHERE reference_hash = \(bind: referenceHash.hex)
                """).first() else {
                return .unknown
            }
            if try row.value("client_id", as: String.self) != clientID { return .otherClient }
            if try row.optional("used_at", as: Int.self) != nil { return .used }
            return .expired
        }
    }
}
