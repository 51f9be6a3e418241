import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Every change made through the administration layer leaves one audit event naming who made it
/// and what changed — never a secret — and a refused change leaves none.
@Suite("Administration: an audit event for every administrative change (who, what), none for a refused one")
struct AdministrationAuditTests {
    static let orders = "https://api.example.com/orders"
    static let caller = AuditActor.managementAPI(clientID: "mgmt-client")

    /// The administrative events stored, oldest first.
    static func changes(_ server: TestServer) async throws -> [AuditEvent] {
        let types = AuditEventType.allCases.filter(\.isAdministrativeChange)
        let page = try await server.provider.administration.auditEvents(AuditEventQuery(types: types, perPage: 100))
        #expect(page.total == page.items.count)
        return page.items.reversed()
    }

    @Test("each change records its event with the actor, the caller's address and what changed; refused changes record nothing",
          arguments: TestEngine.all)
    func everyChange(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let administration = server.provider.administration(actor: Self.caller, ipAddress: "192.0.2.7")
            var registration = ClientRegistration(name: "Orders Web", redirectURIs: [TestServer.redirectURI])
            registration.isThirdParty = true
            let registered = try await administration.addClient(registration)
            let client = registered.client.id
            server.ledger.record(registered.secret)
            _ = try await administration.updateClient(clientID: client, ClientUpdate(name: "Orders", requiresDPoP: true))
            server.ledger.record(try await administration.rotateClientSecret(id: client))
            server.ledger.record(Secret(TestServer.password))
            let user = try await administration.addUser(email: "alice@example.com", password: Secret(TestServer.password),
                                                        profile: try ProfileChange(claims: ["locale=en-GB"]))
            let newPassword = Secret("another long passphrase")
            server.ledger.record(newPassword)
            _ = try await administration.updateUser(id: user.id, profile: try ProfileChange(name: "Alice"), password: newPassword)
            _ = try await administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders write:orders")
            let grant = try await administration.addClientGrant(clientID: client, apiIdentifier: Self.orders, scopes: "read:orders")
            _ = try await administration.updateClientGrant(id: grant.id, scopes: "read:orders write:orders")
            try await administration.removeClientGrant(id: grant.id)
            let again = try await administration.addClientGrant(clientID: client, apiIdentifier: Self.orders, scopes: "write:orders")
            _ = try await administration.updateAPI(identifier: Self.orders, name: "Orders API")
            try await server.provider.store.remember(Consent(userID: user.id, clientID: client, audience: nil, scope: "openid",
                                                             createdAt: server.clock.wallClock.now(), updatedAt: server.clock.wallClock.now()))
            try await administration.revokeConsent(email: user.email, clientID: client)
            let kid = try await administration.rotateKeys(.es256)
            try await administration.removeAPI(identifier: Self.orders)
            try await administration.removeUser(id: user.id)
            try await administration.removeClient(id: client)

            // Refused: nothing is written, so nothing is recorded.
            let unknown = [
                { _ = try await administration.updateClient(clientID: "nope", ClientUpdate(name: "X")) },
                { try await administration.removeClient(id: "nope") },
                { _ = try await administration.rotateClientSecret(id: "nope") },
                { _ = try await administration.addAPI(identifier: "not a uri", name: "X", scopes: "") },
                { _ = try await administration.addUser(email: "bob@example.com", password: Secret("short")) },
                { _ = try await administration.updateClientGrant(id: again.id, scopes: "read:orders") },
                { try await administration.removeUser(id: user.id) },
            ] as [@Sendable () async throws -> Void]
            for change in unknown {
                await #expect(throws: RegistrationError.self) { try await change() }
            }

            let events = try await Self.changes(server)
            #expect(events.map(\.type) == [
                .clientCreated, .clientUpdated, .clientSecretRotated, .userCreated, .userUpdated, .apiCreated,
                .clientGrantCreated, .clientGrantUpdated, .clientGrantDeleted, .clientGrantCreated, .apiUpdated, .consentRevoked,
                .signingKeysRotated, .apiDeleted, .userDeleted, .clientDeleted,
            ])
            #expect(events.allSatisfy { $0.actor == Self.caller && $0.ipAddress == "192.0.2.7" && $0.id.hasPrefix("evt_") })
            func event(_ type: AuditEventType) -> AuditEvent? { events.first { $0.type == type } }
            #expect(event(.clientCreated)?.clientID == client)
            #expect(event(.clientCreated)?.details["client_name"] == .string("Orders Web"))
            #expect(event(.clientUpdated)?.details["fields"] == .array([.string("client_name"), .string("dpop_bound_access_tokens")]))
            #expect(event(.clientSecretRotated)?.clientID == client)
            #expect(event(.userCreated)?.userID == user.id && event(.userCreated)?.details["email"] == .string("alice@example.com"))
            #expect(event(.userUpdated)?.details["fields"] == .array([.string("name"), .string("password")]))
            #expect(event(.clientGrantUpdated)?.details["scopes"] == .array([.string("read:orders"), .string("write:orders")]))
            #expect(event(.clientGrantUpdated)?.details["previous_scopes"] == .array([.string("read:orders")]))
            #expect(event(.clientGrantDeleted)?.details["id"] == .string(grant.id))
            #expect(event(.apiUpdated)?.details["fields"] == .array([.string("name")]))
            #expect(event(.apiDeleted)?.details["client_grants"] == .array([.string(again.id)]), "the grant that went with the API")
            #expect(event(.consentRevoked)?.userID == user.id && event(.consentRevoked)?.clientID == client)
            #expect(event(.signingKeysRotated)?.details == ["alg": .string("ES256"), "kid": kid.map(JSONValue.string) ?? .null])
            #expect(event(.userDeleted)?.userID == user.id)
            #expect(event(.clientDeleted)?.clientID == client)

            let lines = events.map(\.jsonLine).joined(separator: "\n")
            for secret in server.ledger.all {
                #expect(!lines.contains(secret), "attack: an audit event carries a secret the administration handled")
            }
            #expect(!lines.contains("$2"), "no password hash")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("the trail reads back a page at a time with its total, filtered by type and client")
    func paging() async throws {
        try await TestServer.with(.sqlite) { server in
            let administration = server.provider.administration
            var clients: [String] = []
            for index in 0..<3 {
                clients.append(try await administration.addClient(ClientRegistration(name: "App \(index)", redirectURIs: [TestServer.redirectURI])).client.id)
            }
            _ = try await administration.updateClient(clientID: clients[0], ClientUpdate(name: "Renamed"))
            let created = try await administration.auditEvents(AuditEventQuery(types: [.clientCreated], page: 1, perPage: 2))
            #expect(created.total == 3 && created.items.count == 1)
            #expect(created.items.allSatisfy { $0.actor == .commandLine }, "provider.administration acts for the command line")
            let first = try await administration.auditEvents(AuditEventQuery(types: [.clientCreated, .clientUpdated], clientID: clients[0]))
            #expect(first.items.map(\.type) == [.clientUpdated, .clientCreated], "newest first")
            await #expect(throws: RegistrationError.self) { try await administration.auditEvents(AuditEventQuery(perPage: 101)) }
        }
    }
}
