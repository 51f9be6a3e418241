import Foundation
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// The management API's round trips over a real socket, on SQLite and PostgreSQL: what it writes
/// is read back by it, by the token endpoint, and in the audit log.
@Suite("Management API: clients, users, APIs, client grants, keys and logs")
struct ManagementAPITests {
    static let orders = "https://api.example.com/orders"

    @Test("Clients: create (secret shown once), read, list, change, rotate the secret (new works, old refused), remove",
          arguments: TestEngine.all)
    func clients(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            _ = try await server.provider.administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders")

            let created = try await session.call(.POST, "/clients", json: ["name": "Nightly Job", "app_type": "non_interactive"])
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(created.json["client_id"] as? String)
            let secret = Secret(try #require(created.json["client_secret"] as? String))
            server.ledger.record(secret)
            #expect(created.json["grant_types"] as? [String] == ["client_credentials"])
            #expect(created.json["token_endpoint_auth_method"] as? String == "client_secret_post")
            #expect(created.json["is_first_party"] as? Bool == true)

            let read = try await session.call(.GET, "/clients/\(id)")
            #expect(read.status == 200)
            #expect(read.json["name"] as? String == "Nightly Job")
            #expect(read.json["client_secret"] == nil, "a secret is shown on creation only")
            #expect(try await session.list("/clients").contains { $0["client_id"] as? String == id && $0["client_secret"] == nil })

            let changed = try await session.call(.PATCH, "/clients/\(id)", json: ["name": "Nightly Export"])
            #expect(changed.status == 200, "\(changed.body)")
            #expect(changed.json["name"] as? String == "Nightly Export")
            #expect(changed.json["app_type"] as? String == "non_interactive")

            let granted = try await session.call(.POST, "/client-grants", json: ["client_id": id, "audience": Self.orders, "scope": ["read:orders"]])
            #expect(granted.status == 201, "\(granted.body)")
            let old = TestServer.RegisteredClient(id: id, secret: secret)
            #expect(try await server.clientCredentials(old, audience: Self.orders).status == 200)

            let rotated = try await session.call(.POST, "/clients/\(id)/rotate-secret")
            #expect(rotated.status == 200, "\(rotated.body)")
            let newSecret = Secret(try #require(rotated.json["client_secret"] as? String))
            server.ledger.record(newSecret)
            #expect(newSecret != secret)
            let refused = try await server.clientCredentials(old, audience: Self.orders)
            #expect(refused.status == 401 && refused.oauthError == "invalid_client", "the old secret stops working at once")
            let renewed = try await server.clientCredentials(.init(id: id, secret: newSecret), audience: Self.orders)
            #expect(renewed.status == 200, "\(renewed.body)")

            #expect(try await session.call(.DELETE, "/clients/\(id)").status == 204)
            let gone = try await session.call(.GET, "/clients/\(id)")
            #expect(gone.status == 404)
            #expect(gone.auth0ErrorCode != nil)
            #expect(try await session.call(.DELETE, "/clients/\(id)").status == 404)
            #expect(try await server.clientCredentials(.init(id: id, secret: newSecret), audience: Self.orders).status == 401)
        }
    }

    @Test("A public client has no secret to rotate: 400", arguments: [TestEngine.sqlite])
    func publicClientRotation(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            let created = try await session.call(.POST, "/clients", json: [
                "name": "Browser App", "app_type": "spa", "callbacks": [TestServer.redirectURI]])
            #expect(created.status == 201, "\(created.body)")
            #expect(created.json["client_secret"] == nil)
            #expect(created.json["token_endpoint_auth_method"] as? String == "none")
            let id = try #require(created.json["client_id"] as? String)
            let rotated = try await session.call(.POST, "/clients/\(id)/rotate-secret")
            #expect(rotated.status == 400, "\(rotated.body)")
            #expect(rotated.auth0ErrorCode == "invalid_body")
        }
    }

    @Test("Users: create with a password (who then logs in), find by email, change, remove; a taken email is 409",
          arguments: TestEngine.all)
    func users(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            server.ledger.record(Secret(TestServer.password))
            let created = try await session.call(.POST, "/users", json: [
                "email": "Bob@Example.com", "password": TestServer.password, "name": "Bob", "connection": "Username-Password-Authentication"])
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(created.json["user_id"] as? String)
            #expect(created.json["email"] as? String == "bob@example.com")
            #expect(created.json["password"] == nil)
            let createdAt = try #require(created.json["created_at"] as? String, "Auth0's user carries when it was made")
            #expect(ISO8601DateFormatter().date(from: createdAt) == Date(timeIntervalSince1970: TimeInterval(server.clock.wallClock.now())))
            let client = try await server.addClient()
            #expect(try await server.exchange(try await server.code(for: client, email: "bob@example.com"), client: client).status == 200)

            let duplicate = try await session.call(.POST, "/users", json: ["email": "bob@example.com", "password": TestServer.password])
            #expect(duplicate.status == 409)
            #expect(duplicate.auth0ErrorCode == "conflict")

            let found = try await session.list("/users?email=bob%40example.com")
            #expect(found.map { $0["user_id"] as? String } == [id])
            #expect(try await session.list("/users?email=nobody%40example.com").isEmpty)

            server.clock.advance(by: 60)
            let changed = try await session.call(.PATCH, "/users/\(id)", json: ["name": "Robert", "email_verified": false])
            #expect(changed.status == 200, "\(changed.body)")
            #expect(changed.json["name"] as? String == "Robert")
            #expect(changed.json["email_verified"] as? Bool == false)
            #expect(changed.json["created_at"] as? String == createdAt && changed.json["updated_at"] as? String != createdAt,
                    "a change moves updated_at, never created_at")
            #expect(try await session.call(.GET, "/users/\(id)").json["name"] as? String == "Robert")

            #expect(try await session.call(.DELETE, "/users/\(id)").status == 204)
            #expect(try await session.call(.GET, "/users/\(id)").status == 404)
        }
    }

    @Test("Resource servers: create, read by URL-encoded identifier, change, remove; the management API itself is listed and cannot be changed",
          arguments: TestEngine.all)
    func resourceServers(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            let created = try await session.call(.POST, "/resource-servers", json: [
                "identifier": Self.orders, "name": "Orders", "scopes": [["value": "read:orders", "description": "Read orders"]]])
            #expect(created.status == 201, "\(created.body)")
            #expect(try await session.call(.POST, "/resource-servers", json: ["identifier": Self.orders, "name": "Again"]).status == 409)
            let encoded = try #require(Self.orders.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let read = try await session.call(.GET, "/resource-servers/\(encoded)")
            #expect(read.status == 200, "\(read.body)")
            #expect(read.json["identifier"] as? String == Self.orders)
            #expect((read.json["scopes"] as? [[String: Any]])?.compactMap { $0["value"] as? String } == ["read:orders"])

            let changed = try await session.call(.PATCH, "/resource-servers/\(encoded)", json: [
                "name": "Order Book", "scopes": [["value": "read:orders"], ["value": "write:orders"]]])
            #expect(changed.status == 200, "\(changed.body)")
            #expect((changed.json["scopes"] as? [[String: Any]])?.compactMap { $0["value"] as? String } == ["read:orders", "write:orders"])

            try await server.provider.registerManagementAPI()  // a second start registers nothing more
            let all = try await session.list("/resource-servers")
            #expect(all.filter { $0["is_system"] as? Bool == true }.count == 1)
            let system = try #require(all.first { $0["identifier"] as? String == server.provider.managementAudience })
            #expect(system["name"] as? String == Provider.managementAPIName)
            #expect(system["is_system"] as? Bool == true)
            let systemPath = "/resource-servers/" + (server.provider.managementAudience.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            #expect(try await session.call(.PATCH, systemPath, json: ["name": "Mine now"]).status == 400)
            #expect(try await session.call(.DELETE, systemPath).status == 400)

            #expect(try await session.call(.DELETE, "/resource-servers/\(encoded)").status == 204)
            #expect(try await session.call(.GET, "/resource-servers/\(encoded)").status == 404)
        }
    }

    @Test("Resource servers keep each scope's description: created, read, replaced with the scopes, refused when too long or for another scope",
          arguments: TestEngine.all)
    func scopeDescriptions(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            let encoded = try #require(Self.orders.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            func described() async throws -> [String: String] {
                let scopes = try await session.call(.GET, "/resource-servers/\(encoded)").json["scopes"] as? [[String: Any]] ?? []
                return Dictionary(uniqueKeysWithValues: scopes.compactMap { scope in
                    (scope["description"] as? String).map { (scope["value"] as? String ?? "", $0) }
                })
            }
            let created = try await session.call(.POST, "/resource-servers", json: [
                "identifier": Self.orders, "name": "Orders",
                "scopes": [["value": "read:orders", "description": "Read your orders"], ["value": "write:orders"]]])
            #expect(created.status == 201, "\(created.body)")
            #expect(try await described() == ["read:orders": "Read your orders"])

            let replaced = try await session.call(.PATCH, "/resource-servers/\(encoded)", json: [
                "scopes": [["value": "write:orders", "description": "Place orders"]]])
            #expect(replaced.status == 200, "\(replaced.body)")
            #expect(try await described() == ["write:orders": "Place orders"], "the scopes, with their descriptions, are replaced whole")
            let renamed = try await session.call(.PATCH, "/resource-servers/\(encoded)", json: ["name": "Order Book"])
            #expect(renamed.status == 200)
            #expect(try await described() == ["write:orders": "Place orders"], "a rename keeps the descriptions")

            let tooLong = String(repeating: "x", count: APIRegistration.maximumDescriptionLength + 1)
            for refused in [[["value": "write:orders", "description": tooLong]], [["value": "write:orders", "description": "two\nlines"]]] {
                let answer = try await session.call(.PATCH, "/resource-servers/\(encoded)", json: ["scopes": refused])
                #expect(answer.status == 400, "\(answer.body)")
            }
            #expect(try await described() == ["write:orders": "Place orders"], "a refused change writes nothing")
        }
    }

    @Test("Client grants: create, list by client and by audience, change the scope (tokens follow), remove", arguments: TestEngine.all)
    func clientGrants(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            _ = try await server.provider.administration.addAPI(identifier: Self.orders, name: "Orders", scopes: "read:orders write:orders")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            let created = try await session.call(.POST, "/client-grants", json: ["client_id": machine.id, "audience": Self.orders, "scope": ["read:orders"]])
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(created.json["id"] as? String)
            #expect(try await session.call(.POST, "/client-grants", json: ["client_id": machine.id, "audience": Self.orders, "scope": []]).status == 409)
            #expect(try await session.call(.POST, "/client-grants", json: ["client_id": machine.id, "audience": Self.orders, "scope": ["delete:everything"]]).status == 400)

            #expect(try await session.list("/client-grants?client_id=\(machine.id)").map { $0["id"] as? String } == [id])
            let byAudience = try await session.list("/client-grants?audience=\(Self.orders.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(byAudience.map { $0["id"] as? String } == [id])

            let changed = try await session.call(.PATCH, "/client-grants/\(id)", json: ["scope": ["read:orders", "write:orders"]])
            #expect(changed.status == 200, "\(changed.body)")
            #expect(changed.json["scope"] as? [String] == ["read:orders", "write:orders"])
            let token = try await server.clientCredentials(machine, audience: Self.orders)
            #expect(token.json["scope"] as? String == "read:orders write:orders")

            #expect(try await session.call(.DELETE, "/client-grants/\(id)").status == 204)
            #expect(try await session.call(.DELETE, "/client-grants/\(id)").status == 404)
            #expect(try await server.clientCredentials(machine, audience: Self.orders).status != 200)
        }
    }

    @Test("Signing keys: listed without key material; rotate makes the next key current", arguments: TestEngine.all)
    func signingKeys(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            let before = try await session.list("/keys/signing")
            let current = try #require(before.first { $0["current"] as? Bool == true && $0["alg"] as? String == "RS256" })
            #expect(before.allSatisfy { Set($0.keys).isSubset(of: ["kid", "alg", "current", "next", "previous", "current_since", "current_until"]) })
            let rotated = try await session.call(.POST, "/keys/signing/rotate")
            #expect(rotated.status == 201, "\(rotated.body)")
            let kid = try #require(rotated.json["kid"] as? String)
            #expect(kid != current["kid"] as? String)
            let after = try await session.list("/keys/signing")
            #expect(after.first { $0["kid"] as? String == kid }?["current"] as? Bool == true)
            #expect(after.first { $0["kid"] as? String == current["kid"] as? String }?["current"] as? Bool == false)
            #expect(try await session.call(.POST, "/keys/signing/rotate", json: ["alg": "HS256"]).status == 400)
        }
    }

    @Test("Logs: the API's own changes, newest first, by the management-api actor from its address, filtered by type, user and client",
          arguments: TestEngine.all)
    func logs(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            let first = try await session.call(.POST, "/clients", json: ["name": "First", "app_type": "non_interactive"])
            server.ledger.record(Secret(first.json["client_secret"] as? String ?? ""))
            server.clock.advance(by: 1)
            let second = try await session.call(.POST, "/clients", json: ["name": "Second", "app_type": "non_interactive"])
            server.ledger.record(Secret(second.json["client_secret"] as? String ?? ""))
            let secondID = try #require(second.json["client_id"] as? String)

            let created = try await session.list("/logs?type=client.created")
            #expect(created.count >= 2)
            #expect(created.allSatisfy { $0["tessera_type"] as? String == "client.created" })
            #expect(created.first?["client_id"] as? String == secondID, "newest first")
            #expect(created.first?["actor"] as? String == "management-api:\(session.machine.id)")
            #expect(created.first?["ip"] as? String == "127.0.0.1", "the caller's address, as for every other event")
            #expect(try await session.list("/logs?client_id=\(secondID)").allSatisfy { $0["client_id"] as? String == secondID })
            #expect(try await session.list("/logs?user_id=nobody").isEmpty)
            #expect(try await session.call(.GET, "/logs?type=no.such.event").status == 400)
            let future = try await session.list("/logs?since=\(Int(server.clock.wallClock.now()) + 3600)")
            #expect(future.isEmpty)
        }
    }

    @Test("Pagination as Auth0's: page, per_page, and include_totals' {start, limit, length, total, clients}", arguments: TestEngine.all)
    func pagination(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            for name in ["A", "B", "C"] {
                let created = try await session.call(.POST, "/clients", json: ["name": name, "app_type": "non_interactive"])
                server.ledger.record(Secret(created.json["client_secret"] as? String ?? ""))
            }
            let total = 4  // the session's machine client and three more
            let first = try await session.call(.GET, "/clients?per_page=3&include_totals=true")
            #expect(first.status == 200)
            #expect(first.json["start"] as? Int == 0)
            #expect(first.json["limit"] as? Int == 3)
            #expect(first.json["length"] as? Int == 3)
            #expect(first.json["total"] as? Int == total)
            let firstIDs = (first.json["clients"] as? [[String: Any]])?.compactMap { $0["client_id"] as? String } ?? []
            let second = try await session.call(.GET, "/clients?per_page=3&page=1&include_totals=true")
            #expect(second.json["start"] as? Int == 3)
            #expect(second.json["length"] as? Int == 1)
            let secondIDs = (second.json["clients"] as? [[String: Any]])?.compactMap { $0["client_id"] as? String } ?? []
            #expect(Set(firstIDs + secondIDs).count == total, "the pages neither overlap nor miss a client")
            #expect(try await session.list("/clients?per_page=2&page=1").count == 2)
            #expect(try await session.list("/clients?per_page=2&page=2").isEmpty)
        }
    }

    @Test("No client secret, password or token used here reaches the logs or the audit events", arguments: TestEngine.all)
    func secretsStayOut(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let session = try await server.managementSession()
            let created = try await session.call(.POST, "/clients", json: ["name": "Secretive", "app_type": "non_interactive"])
            let id = try #require(created.json["client_id"] as? String)
            server.ledger.record(Secret(try #require(created.json["client_secret"] as? String)))
            let rotated = try await session.call(.POST, "/clients/\(id)/rotate-secret")
            server.ledger.record(Secret(try #require(rotated.json["client_secret"] as? String)))
            let password = "a password only this test knows"
            server.ledger.record(Secret(password))
            #expect(try await session.call(.POST, "/users", json: ["email": "carol@example.com", "password": password]).status == 201)
            let user = try #require(try await session.list("/users?email=carol%40example.com").first?["user_id"] as? String)
            #expect(try await session.call(.PATCH, "/users/\(user)", json: ["password": password + " changed"]).status == 200)
            server.ledger.record(Secret(password + " changed"))

            let logs = try await session.call(.GET, "/logs?per_page=100")
            #expect(logs.status == 200)
            for secret in server.ledger.all { #expect(!logs.body.contains(secret), "a secret is in /api/v2/logs") }
            #expect(logs.body.contains("client.secret_rotated"))
            server.ledger.expectNoneLogged()
        }
    }
}
