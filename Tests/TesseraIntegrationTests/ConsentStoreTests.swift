import SQLKit
import Testing
import TesseraCore
import TesseraServer

/// The `consents` table (migration 18) behind ``ConsentStore``, on both engines.
@Suite("ConsentStore: consents remembered per user, client and API")
struct ConsentStoreTests {
    @Test("remember replaces the scopes and keeps the creation time; lookups are per user, client and API; a deleted client takes its consents with it",
          arguments: TestEngine.all)
    func rememberLookupCascade(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                _ = try await store.migrate()
                for id in ["app", "other"] {
                    try await store.insert(Client(id: id, name: id, secretHash: SecretHash(stored: "h"), redirectURIs: [], grantTypes: [.authorizationCode],
                                                  isThirdParty: true), at: 1)
                }
                #expect(try await store.insert(User(id: "alice", email: "alice@example.com", name: "Alice", emailVerified: true, passwordHash: "x"), at: 1))

                try await store.remember(Consent(userID: "alice", clientID: "app", audience: nil, scope: "openid", createdAt: 10, updatedAt: 10))
                try await store.remember(Consent(userID: "alice", clientID: "app", audience: nil, scope: "openid email", createdAt: 20, updatedAt: 20))
                try await store.remember(Consent(userID: "alice", clientID: "app", audience: "https://api.example.com", scope: "read:x",
                                                 createdAt: 30, updatedAt: 30))
                try await store.remember(Consent(userID: "alice", clientID: "other", audience: nil, scope: "openid", createdAt: 40, updatedAt: 40))

                let identity = try await store.consent(userID: "alice", clientID: "app", audience: nil)
                #expect(identity == Consent(userID: "alice", clientID: "app", audience: nil, scope: "openid email", createdAt: 10, updatedAt: 20))
                #expect(try await store.consent(userID: "alice", clientID: "app", audience: "https://api.example.com")?.scope == "read:x")
                #expect(try await store.consent(userID: "alice", clientID: "app", audience: "https://other.example.com") == nil)
                #expect(try await store.consents(userID: "alice").map(\.clientID) == ["app", "app", "other"])

                #expect(try await store.revokeConsent(userID: "alice", clientID: "nobody", at: 50) == false)
                try await store.engine.transaction { database in
                    try await database.raw("DELETE FROM clients WHERE id = 'other'").run()
                }
                #expect(try await store.consents(userID: "alice").map(\.clientID) == ["app", "app"], "ON DELETE CASCADE")
                #expect(try await store.revokeConsent(userID: "alice", clientID: "app", at: 50))
                #expect(try await store.consents(userID: "alice").isEmpty)
            }
        }
    }
}
