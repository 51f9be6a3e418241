import Foundation
import SQLKit
import Testing
import TesseraCore
import TesseraServer

/// Client authentication reads client records through a short-lived cache (CachedClientStore);
/// a change to `clients` anywhere must still take effect at once.
@Suite("RFC 6749 §2.3.1 client authentication: changes reach the cache of client records")
struct ClientCacheTests {
    @Test("a secret replaced and a client deleted by another node stop authenticating as soon as PostgreSQL notifies, long before the cache would expire")
    func changesByAnotherNode() async throws {
        try await TestServer.with(.postgres, configure: { $0.clientCacheLifetime = .seconds(3_600) }) { server in
            let rotated = try await server.addClient()
            let deleted = try await server.addClient()
            #expect(try await Self.authenticates(rotated, at: server))
            #expect(try await Self.authenticates(deleted, at: server))

            // Another node: a store and connections of its own on the same database.
            let newSecret = Secret.random()
            server.ledger.record(newSecret)
            try await server.database.withStore { other in
                try await other.engine.transaction { database in
                    try await database.raw("UPDATE clients SET secret_hash = \(bind: SecretHash(of: newSecret).hex) WHERE id = \(bind: rotated.id)").run()
                    try await database.raw("DELETE FROM clients WHERE id = \(bind: deleted.id)").run()
                }
            }
            try await Self.waitUntilRefused(rotated, at: server)
            #expect(try await Self.authenticates(TestServer.RegisteredClient(id: rotated.id, secret: newSecret), at: server))
            try await Self.waitUntilRefused(deleted, at: server)
        }
    }

    @Test("writes to clients through the provider's own store mark every cached record stale at once", arguments: TestEngine.all)
    func ownWritesInvalidate(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.clientCacheLifetime = .seconds(3_600) }) { server in
            let changes = server.provider.store.clientChanges
            var seen = changes.generation
            let client = try await server.addClient()
            #expect(changes.generation > seen)
            seen = changes.generation
            try await server.provider.administration.updateClient(clientID: client.id, ClientUpdate(requiresPushedAuthorization: true))
            #expect(changes.generation > seen)
        }
    }

    // MARK: - Helpers

    /// Whether `client` passes client authentication: a refresh with a made-up token is then
    /// refused for the token (400 invalid_grant), not for the client (401 invalid_client).
    static func authenticates(_ client: TestServer.RegisteredClient, at server: TestServer) async throws -> Bool {
        let result = try await server.token([("grant_type", "refresh_token"), ("refresh_token", "no-such-token")], client: client)
        #expect(["invalid_grant", "invalid_client"].contains(result.oauthError ?? ""), "\(result.status) \(result.json)")
        return result.oauthError == "invalid_grant"
    }

    /// Waits (at most 20 s, far below the cache's hour) for the server to refuse `client`.
    static func waitUntilRefused(_ client: TestServer.RegisteredClient, at server: TestServer,
                                 sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<200 {
            if try await !authenticates(client, at: server) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("client \(client.id) still authenticates after the change", sourceLocation: sourceLocation)
    }
}
