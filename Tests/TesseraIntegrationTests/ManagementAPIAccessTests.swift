import Foundation
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// Who may call the management API: only a live Bearer access token of this provider, for the
/// audience `ISSUER/api/v2/`, carrying the operation's permission.
@Suite("Management API: its tokens and permissions")
struct ManagementAPIAccessTests {
    @Test("No token: 401 with a bare Bearer challenge and Auth0's error body")
    func noToken() async throws {
        try await TestServer.with(.sqlite) { server in
            let result = try await server.managementCall(.GET, "/clients")
            #expect(result.status == 401)
            #expect(result.header("WWW-Authenticate") == #"Bearer realm="tessera""#)
            #expect(result.auth0ErrorCode == "invalid_token")
            #expect(result.json["error"] as? String == "Unauthorized")
        }
    }

    @Test("A token without the operation's permission: 403 insufficient_scope naming it; with it, 200")
    func missingScope() async throws {
        try await TestServer.with(.sqlite) { server in
            let reader = try await server.managementSession(scopes: ["read:clients"])
            let refused = try await reader.call(.POST, "/clients", json: ["name": "Not Allowed"])
            #expect(refused.status == 403)
            #expect(refused.auth0ErrorCode == "insufficient_scope")
            #expect((refused.json["message"] as? String)?.contains("create:clients") == true)
            let challenge = try #require(refused.header("WWW-Authenticate"))
            #expect(challenge.contains(#"error="insufficient_scope""#) && challenge.contains(#"scope="create:clients""#), "\(challenge)")
            #expect(try await reader.call(.GET, "/clients").status == 200)
            // Nothing was written by the refused call.
            #expect(try await reader.list("/clients").allSatisfy { $0["name"] as? String != "Not Allowed" })
        }
    }

    @Test("attack: an access token for another API is refused 401 invalid_token")
    func otherAudience() async throws {
        try await TestServer.with(.sqlite) { server in
            let orders = "https://api.example.com/orders"
            _ = try await server.provider.administration.addAPI(identifier: orders, name: "Orders", scopes: "read:clients")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, orders, scopes: "read:clients")
            let token = try #require(try await server.clientCredentials(machine, audience: orders).json["access_token"] as? String)
            let result = try await server.managementCall(.GET, "/clients", bearer: token)
            #expect(result.status == 401)
            #expect(result.auth0ErrorCode == "invalid_token")
            #expect(result.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("attack: an id_token presented as a bearer token to the management API is refused 401")
    func idTokenAsBearer() async throws {
        try await TestServer.with(.sqlite) { server in
            try await server.addUser()
            let client = try await server.addClient()
            let tokens = try await server.exchange(try await server.code(for: client), client: client)
            let idToken = try #require(tokens.json["id_token"] as? String, "\(tokens.body)")
            let result = try await server.managementCall(.GET, "/clients", bearer: idToken)
            #expect(result.status == 401)
            #expect(result.auth0ErrorCode == "invalid_token")
        }
    }

    @Test("attack: a user's access token for the management audience does not lend the client's grant to the user")
    func userTokenRefused() async throws {
        try await TestServer.with(.sqlite) { server in
            try await server.addUser()
            try await server.provider.registerManagementAPI()
            let client = try await server.addClient()
            try await server.grant(client, server.provider.managementAudience, scopes: "read:clients")
            let code = try await server.code(for: client, scope: "openid read:clients")
            let tokens = try await server.exchange(code, client: client)
            // Either the token endpoint gives the user no management token, or the API refuses it.
            if let token = tokens.json["access_token"] as? String {
                #expect(try await server.managementCall(.GET, "/clients", bearer: token).status == 401)
            }
        }
    }

    @Test("attack: a garbage, a revoked and a DPoP-scheme token are refused 401 invalid_token")
    func badTokens() async throws {
        try await TestServer.with(.sqlite) { server in
            let session = try await server.managementSession()
            #expect(try await server.managementCall(.GET, "/clients", bearer: "not-a-token").status == 401)
            let dpop = try await send(.GET, server.url("/api/v2/clients"), headers: [("Authorization", "DPoP \(session.token)")])
            #expect(dpop.status == 401)
            #expect((dpop.json["message"] as? String)?.contains("Bearer tokens only") == true)
            let form = formBody([("token", session.token)])
            let revoked = try await send(.POST, server.url("/oauth/revoke"),
                                         headers: [basicAuthorization(id: session.machine.id, secret: try #require(session.machine.secret)), form.header],
                                         body: form.body)
            #expect(revoked.status == 200)
            #expect(try await session.call(.GET, "/clients").status == 401)
        }
    }

    @Test("A malformed body is a 400 with Auth0's body, never a 5xx, and writes nothing")
    func malformedBodies() async throws {
        try await TestServer.with(.sqlite) { server in
            let session = try await server.managementSession()
            for body in ["{not json", #"{"name": 5}"#, #"{"name": "X", "unknown_field": true}"#, #"{}"#, "[]"] {
                let result = try await session.call(.POST, "/clients", body: body)
                #expect(result.status == 400, "\(body): \(result.status) \(result.body)")
                #expect(result.auth0ErrorCode == "invalid_body", "\(body): \(result.body)")
            }
            let wrongType = try await send(.POST, server.url("/api/v2/users"),
                                           headers: [("Authorization", "Bearer \(session.token)"), ("Content-Type", "text/plain")],
                                           body: #"{"email":"a@example.com","password":"long enough"}"#)
            #expect(wrongType.status == 400, "\(wrongType.status) \(wrongType.body)")
            #expect(try await session.call(.GET, "/clients?per_page=101").status == 400)
            #expect(try await session.call(.GET, "/clients?page=-1").status == 400)
            #expect(try await session.call(.GET, "/clients?per_page=abc").status == 400)
            #expect(try await session.call(.POST, "/users", json: ["email": "not-an-email", "password": "long enough"]).status == 400)
            #expect(try await session.list("/clients").count == 1)  // the session's own machine client only
        }
    }
}
