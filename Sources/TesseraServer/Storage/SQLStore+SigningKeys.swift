import SQLKit

extension SQLStore: SigningKeyStore {
    public func signingKeys(retiredAfter: Int) async throws -> [SigningKeyRecord] {
        try await engine.read { database in
            try await database.raw("""
                SELECT kid, alg, state, sealed_private_key, public_jwk, created_at, activated_at, retired_at FROM signing_keys
                WHERE state <> 'retired' OR retired_at > \(bind: retiredAfter)
                ORDER BY created_at, kid
                """).all().map(SigningKeyRecord.init(row:))
        }
    }

    public func insert(_ key: SigningKeyRecord) async throws {
        try await engine.transaction { database in
            try await Self.insert(key, on: database)
        }
    }

    @discardableResult
    public func insertMissing(_ candidates: [SigningKeyRecord]) async throws -> Int {
        try await engine.withMigrationLock { database in
            var inserted = 0
            for key in candidates {
                let present = try await database.raw("""
                    SELECT kid FROM signing_keys WHERE alg = \(bind: key.algorithm) AND state = \(bind: key.state.rawValue)
                    """).first()
                if present == nil {
                    try await Self.insert(key, on: database)
                    inserted += 1
                }
            }
            return inserted
        }
    }

    public func rotateSigningKeys(publishing newNext: SigningKeyRecord, at now: Int, onlyIfActivatedBefore: Int?) async throws -> String? {
        try await engine.withMigrationLock { database in
            let algorithm = newNext.algorithm
            if let cutoff = onlyIfActivatedBefore {
                let due = try await database.raw("""
                    SELECT kid FROM signing_keys
                    WHERE state = 'current' AND alg = \(bind: algorithm) AND COALESCE(activated_at, created_at) < \(bind: cutoff)
                    """).first()
                guard due != nil else { return nil }
            }
            try await database.raw("""
                UPDATE signing_keys SET state = 'retired', retired_at = \(bind: now)
                WHERE state = 'current' AND alg = \(bind: algorithm)
                """).run()
            let promoted = try await database.raw("""
                UPDATE signing_keys SET state = 'current', activated_at = \(bind: now)
                WHERE state = 'next' AND alg = \(bind: algorithm)
                RETURNING kid
                """).all().map { try $0.value("kid", as: String.self) }
            try await Self.insert(newNext, on: database)
            return promoted.first
        }
    }

    private static func insert(_ key: SigningKeyRecord, on database: any SQLDatabase) async throws {
        try await database.raw("""
            INSERT INTO signing_keys (kid, alg, state, sealed_private_key, public_jwk, created_at, activated_at, retired_at)
            VALUES (\(bind: key.kid), \(bind: key.algorithm), \(bind: key.state.rawValue), \(bind: key.sealedPrivateKey),
                    \(bind: key.publicJWK), \(bind: key.createdAt), \(bind: key.activatedAt), \(bind: key.retiredAt))
            """).run()
    }
}

extension SigningKeyRecord {
    init(row: any SQLRow) throws {
        self.init(
            kid: try row.value("kid"),
            algorithm: try row.value("alg"),
            state: State(rawValue: try row.value("state")) ?? .retired,
            sealedPrivateKey: try row.value("sealed_private_key"),
            publicJWK: try row.value("public_jwk"),
            createdAt: try row.value("created_at"),
            activatedAt: try row.optional("activated_at"),
            retiredAt: try row.optional("retired_at")
        )
    }
}
