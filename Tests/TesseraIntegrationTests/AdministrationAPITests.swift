import Foundation
import SQLKit
import Testing
import TesseraCore
import TesseraServer

/// The administration layer for APIs and client grants: paged lists with a total, get, update
/// checked against what depends on it, and removal with what hangs off it.
@Suite("Administration: APIs and client grants (list, show, update, remove) on SQLite and PostgreSQL")
struct AdministrationAPITests {
    static let orders = "https://api.example.com/orders"
    static let billing = "https://api.example.com/billing"

    @Test("APIs a page at a time with the total, show, rename and new scopes; a dropped permission a grant holds is refused whole",
          arguments: TestEngine.all)
    func apis(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            let orders = try await administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders write:orders")
            server.clock.advance(by: 1)
            let billing = try await administration.addAPI(identifier: Self.billing, name: "Billing", scopes: "read:invoices")
            let page = try await administration.apis(try PageRequest(page: 1, perPage: 1))
            #expect(page.items == [billing] && page.total == 2)
            #expect(try await administration.api(identifier: Self.orders) == orders)

            let client = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(client, Self.orders, scopes: "write:orders")
            await #expect(throws: RegistrationError.self, "write:orders is held by a grant") {
                try await administration.updateAPI(identifier: Self.orders, name: "Orders v2", scopes: "read:orders")
            }
            await #expect(throws: RegistrationError.self, "openid is not an API permission") {
                try await administration.updateAPI(identifier: Self.orders, scopes: "openid write:orders")
            }
            await #expect(throws: RegistrationError.self) { try await administration.updateAPI(identifier: Self.orders, name: " ") }
            #expect(try await administration.api(identifier: Self.orders) == orders, "no refused update wrote anything, not even the name")

            let updated = try await administration.updateAPI(identifier: Self.orders, name: "Orders v2", scopes: "write:orders ship:orders")
            #expect(updated == API(identifier: Self.orders, name: "Orders v2", scopes: "write:orders ship:orders"))
            #expect(try await administration.api(identifier: Self.orders) == updated)
            let renamed = try await administration.updateAPI(identifier: Self.billing, name: "Invoices")
            #expect(renamed.scopes == billing.scopes, "scopes not given stay as they were")
            await #expect(throws: RegistrationError.notFound("there is no API with the identifier https://api.example.com/none")) {
                try await administration.updateAPI(identifier: "https://api.example.com/none", name: "None")
            }
        }
    }

    @Test("removing an API removes its client grants (and only its): the machine client gets no token for it", arguments: TestEngine.all)
    func removeAPI(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            _ = try await administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders")
            _ = try await administration.addAPI(identifier: Self.billing, name: "Billing", scopes: "read:invoices")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")
            try await server.grant(machine, Self.billing, scopes: "read:invoices")
            #expect(try await server.clientCredentials(machine, audience: Self.orders).status == 200)

            let removed = try await administration.removeAPI(identifier: Self.orders)
            #expect(removed.map(\.clientID) == [machine.id])
            #expect(try await administration.clientGrants(PageRequest(), apiIdentifier: Self.orders).total == 0)
            #expect(try await administration.clientGrants(PageRequest()).items.map(\.apiIdentifier) == [Self.billing])
            #expect(try await server.clientCredentials(machine, audience: Self.orders).status != 200, "no token for a removed API")
            #expect(try await server.clientCredentials(machine, audience: Self.billing).status == 200)
            await #expect(throws: RegistrationError.notFound("there is no API with the identifier \(Self.orders)")) {
                try await administration.removeAPI(identifier: Self.orders)
            }
        }
    }

    @Test("client grants by id: listed a page at a time (all, by client, by API), shown, updated, removed; bad scopes refused whole",
          arguments: TestEngine.all)
    func clientGrants(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration
            _ = try await administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders write:orders")
            _ = try await administration.addAPI(identifier: Self.billing, name: "Billing", scopes: "read:invoices")
            let first = try await server.addClient(grantTypes: [.clientCredentials])
            let second = try await server.addClient(grantTypes: [.clientCredentials])
            let grant = try await administration.addClientGrant(clientID: first.id, apiIdentifier: Self.orders, scopes: "read:orders")
            _ = try await administration.addClientGrant(clientID: first.id, apiIdentifier: Self.billing, scopes: "read:invoices")
            _ = try await administration.addClientGrant(clientID: second.id, apiIdentifier: Self.orders, scopes: "read:orders")
            #expect(grant.id.hasPrefix("cgr_") && grant.id.count == 20)

            #expect(try await administration.clientGrants(PageRequest()).total == 3)
            let byClient = try await administration.clientGrants(try PageRequest(page: 0, perPage: 1), clientID: first.id)
            #expect(byClient.total == 2 && byClient.items.count == 1)
            #expect(try await administration.clientGrants(PageRequest(), apiIdentifier: Self.orders).items.map(\.clientID).sorted()
                    == [first.id, second.id].sorted())
            #expect(try await administration.clientGrant(id: grant.id) == grant)

            await #expect(throws: RegistrationError.invalid("the API \(Self.orders) does not define the permission 'delete:orders'")) {
                try await administration.updateClientGrant(id: grant.id, scopes: "write:orders delete:orders")
            }
            #expect(try await administration.clientGrant(id: grant.id) == grant, "the refused update wrote nothing")
            let updated = try await administration.updateClientGrant(id: grant.id, scopes: "read:orders write:orders")
            #expect(updated.id == grant.id && updated.scopes == "read:orders write:orders")
            let token = try await server.clientCredentials(first, audience: Self.orders, scope: "write:orders")
            #expect(token.status == 200 && token.json["scope"] as? String == "write:orders", "the new permission is granted at once")

            try await administration.removeClientGrant(id: grant.id)
            await #expect(throws: RegistrationError.notFound("there is no client grant with the id \(grant.id)")) {
                try await administration.clientGrant(id: grant.id)
            }
            await #expect(throws: RegistrationError.notFound("there is no client grant with the id \(grant.id)")) {
                try await administration.updateClientGrant(id: grant.id, scopes: "read:orders")
            }
            #expect(try await server.clientCredentials(first, audience: Self.orders).oauthError == "unauthorized_client")
            #expect(try await administration.clientGrants(PageRequest()).total == 2)
        }
    }

    @Test("migration 24 gives every client grant made before it a distinct cgr_ id", arguments: TestEngine.all)
    func migrationBackfillsGrantIDs(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withStore { store in
                try await store.migrate()
                try await store.engine.transaction { database in
                    // Back to the schema before migration 24, with two grants made then.
                    try await database.raw("DROP INDEX client_grants_id").run()
                    try await database.raw("ALTER TABLE client_grants DROP COLUMN id").run()
                    try await database.raw("DELETE FROM schema_migrations WHERE version = 24").run()
                    try await database.raw("INSERT INTO apis (identifier, name, scopes, token_lifetime, created_at) VALUES ('https://a.example', 'A', 'x', 0, 0)").run()
                    for id in ["c1", "c2"] {
                        try await database.raw("""
                            INSERT INTO clients (id, name, redirect_uris, post_logout_redirect_uris, grant_types, id_token_alg, created_at)
                            VALUES (\(bind: id), 'C', '[]', '[]', 'client_credentials', 'RS256', 0)
                            """).run()
                        try await database.raw("""
                            INSERT INTO client_grants (client_id, api_identifier, scopes, created_at) VALUES (\(bind: id), 'https://a.example', 'x', 0)
                            """).run()
                    }
                }
                #expect(try await store.migrate() == [24])
                let ids = try await store.clientGrants().map(\.id)
                #expect(ids.count == 2 && Set(ids).count == 2)
                #expect(ids.allSatisfy { $0.hasPrefix("cgr_") && $0.count == 20 }, "\(ids)")
            }
        }
    }

    @Test("attack: the CLI's administration layer cannot rename, re-scope or remove the management API and lock its administrators out",
          arguments: TestEngine.all)
    func managementAPIIsFixed(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            try await server.provider.registerManagementAPI()
            let administration = server.provider.administration
            let audience = server.provider.managementAudience
            let before = try await administration.api(identifier: audience)
            await #expect(throws: RegistrationError.invalid("\(audience) is the \(Provider.managementAPIName), which cannot be changed or removed")) {
                try await administration.updateAPI(identifier: audience, scopes: "read:clients")
            }
            await #expect(throws: RegistrationError.self) { try await administration.removeAPI(identifier: audience) }
            #expect(try await administration.api(identifier: audience) == before, "the management API is untouched")
            let changes = try await server.provider.store.countAuditEvents(matching: AuditEventQuery(types: [.apiUpdated, .apiDeleted]))
            #expect(changes == 0, "a refused change records no event")
        }
    }
}
