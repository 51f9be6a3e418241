import Testing
import TesseraServer

/// The token endpoint's DPoP replay records (RFC 9449 §11.1) as storage keeps them: one insert
/// decides first use, on both engines, however many requests race.
@Suite("DPoP proof replay records on SQLite and PostgreSQL")
struct DPoPProofStoreTests {
    @Test("RFC 9449 §11.1: a replay key is a first use once, a replay while its record lives, and collected once it expired",
          arguments: TestEngine.all)
    func firstUseThenReplayThenCollected(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                try await store.migrate()
                #expect(try await store.recordFirstUse(replayKey: "k1", expiresAt: 1_065, at: 1_000))
                #expect(try await store.recordFirstUse(replayKey: "k1", expiresAt: 1_070, at: 1_005) == false)
                #expect(try await store.recordFirstUse(replayKey: "k2", expiresAt: 1_070, at: 1_005))
                #expect(try await store.collectExpired(at: 1_060) == CollectedRows())
                #expect(try await store.collectExpired(at: 1_066) == CollectedRows(dpopProofs: 1))
                #expect(try await store.recordFirstUse(replayKey: "k2", expiresAt: 1_130, at: 1_066) == false)
                // An expired record not yet collected does not block the key (its proof's iat is stale anyway).
                #expect(try await store.recordFirstUse(replayKey: "k2", expiresAt: 1_200, at: 1_070))
                #expect(try await store.recordFirstUse(replayKey: "k2", expiresAt: 1_200, at: 1_080) == false)
            }
        }
    }

    @Test("attack: one DPoP proof sent 20 times at once: exactly one use is first", arguments: TestEngine.all)
    func concurrentUses(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                try await store.migrate()
                let firsts = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await store.recordFirstUse(replayKey: "raced", expiresAt: 2_000, at: 1_000) }
                    }
                    return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
                }
                #expect(firsts == 1)
            }
        }
    }
}
