import Foundation
import Testing
import TesseraCore
import TesseraServer

/// A client that registers, replaces or deletes itself (RFC 7591 / 7592) changes the provider's
/// clients as an administrator does: the audit trail says so, naming the client as the actor.
@Suite("Audit events of dynamic client registration")
struct RegistrationAuditTests {
    @Test("RFC 7591 registration, RFC 7592 replacement and deletion each record a client event made by the client, with its address and no secret",
          arguments: TestEngine.all)
    func registrationEvents(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let client = try await server.registerClient(["client_name": "Self-made"])
            let replacement: [String: Any] = ["client_id": client.id, "client_name": "Renamed", "redirect_uris": [TestServer.redirectURI]]
            let updated = try await server.manage(.PUT, client.registrationClientURI, token: client.registrationAccessToken, body: replacement)
            #expect(updated.status == 200, "\(updated.body)")
            let token = Secret(try #require(updated.json["registration_access_token"] as? String))
            server.ledger.record(token)
            #expect(try await server.manage(.DELETE, client.registrationClientURI, token: token).status == 204)
            // A refused replacement (another client's id) changes nothing and records nothing.
            _ = try await server.manage(.PUT, client.registrationClientURI, token: token, body: replacement)

            let events = try await server.provider.store.auditEvents(matching: AuditEventQuery(clientID: client.id)).reversed()
            #expect(events.map(\.type) == [.clientCreated, .clientUpdated, .clientDeleted])
            for event in events {
                #expect(event.actor == .client(id: client.id))
                #expect(event.ipAddress == "127.0.0.1")
                #expect(event.details["dynamic_registration"] == .bool(true))
                #expect(event.auth0Code == "sapi")
                for secret in server.ledger.all {
                    #expect(!event.jsonLine.contains(secret), "no secret in the \(event.type.rawValue) event")
                }
            }
            #expect(events.first?.details["name"] == .string("Self-made"))
            server.ledger.expectNoneLogged()
        }
    }
}
