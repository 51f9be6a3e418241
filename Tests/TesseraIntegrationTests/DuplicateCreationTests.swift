import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Creating what already exists is the caller's mistake, a 409, however the requests interleave:
/// the administration layer looks first, and the store's insert refuses a row another request
/// added since (no unique-constraint error surfacing as a 500).
@Suite("Duplicate creation: a conflict, never a server error")
struct DuplicateCreationTests {
    static let orders = "https://api.example.com/orders"

    @Test("the store refuses a second API, user or client grant under a taken key and keeps the first row", arguments: TestEngine.all)
    func storeRefusesDuplicates(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                _ = try await store.migrate()
                #expect(try await store.insert(API(identifier: Self.orders, name: "Orders", scopes: "read:orders"), at: 1))
                #expect(try await !store.insert(API(identifier: Self.orders, name: "Impostor", scopes: "write:orders"), at: 2))
                #expect(try await store.api(identifier: Self.orders)?.name == "Orders")

                let alice = User(id: "user_alice", email: "alice@example.com", name: "Alice", emailVerified: true, passwordHash: "x")
                #expect(try await store.insert(alice, at: 1))
                var twin = alice
                twin.id = "user_twin"
                #expect(try await !store.insert(twin, at: 2), "the email is taken")
                #expect(try await store.user(email: "alice@example.com")?.id == "user_alice")
                #expect(try await store.user(id: "user_twin") == nil)

                try await store.insert(Client(id: "cron", name: "Cron", secretHash: nil, redirectURIs: [], grantTypes: [.clientCredentials]), at: 1)
                #expect(try await store.insert(ClientGrant(clientID: "cron", apiIdentifier: Self.orders, scopes: "read:orders"), at: 1))
                #expect(try await !store.insert(ClientGrant(clientID: "cron", apiIdentifier: Self.orders, scopes: "read:orders write:orders"), at: 2))
                #expect(try await store.clientGrant(clientID: "cron", apiIdentifier: Self.orders)?.scopes == "read:orders")
            }
        }
    }

    @Test("race: eight management API requests create one API, one user and one client grant at once: one 201 each, the rest 409",
          arguments: TestEngine.all)
    func concurrentCreation(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            server.ledger.record(Secret(TestServer.password))
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            let creations: [(path: String, body: [String: Any])] = [
                ("/resource-servers", ["identifier": Self.orders, "name": "Orders", "scopes": [["value": "read:orders"]]]),
                ("/users", ["email": "bob@example.com", "password": TestServer.password]),
                ("/client-grants", ["client_id": machine.id, "audience": Self.orders, "scope": ["read:orders"]]),
            ]
            for (path, object) in creations {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await session.call(.POST, path, body: body).status }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.sorted() == [201] + Array(repeating: 409, count: 7), "\(path): \(statuses)")
            }
        }
    }
}
