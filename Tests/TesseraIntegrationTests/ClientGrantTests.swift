import Foundation
import NIOHTTP1
import Testing
import TesseraCore

/// Client grants (Auth0's): a token for an API only under an administrator's explicit
/// (client, API, permissions) grant, deny by default, capped to what was granted.
@Suite("Client grants: who may get tokens for which API")
struct ClientGrantTests {
    static let orders = "https://api.example.com/orders"
    static let billing = "https://api.example.com/billing"

    /// A server with the Orders API (read and write) and the Billing API.
    static func withAPIs<Result>(_ engine: TestEngine, _ body: (TestServer) async throws -> Result) async throws -> Result {
        try await TestServer.with(engine) { server in
            _ = try await server.provider.administration.addAPI(identifier: orders, name: "Orders", scopes: "read:orders write:orders")
            _ = try await server.provider.administration.addAPI(identifier: billing, name: "Billing", scopes: "read:invoices")
            return try await body(server)
        }
    }

    @Test("machine client without a client grant: unauthorized_client, and again once its grant is removed", arguments: TestEngine.all)
    func machineWithoutGrant(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(machine, audience: Self.orders), "unauthorized_client")
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(machine, audience: Self.orders, scope: "read:orders"),
                                                "unauthorized_client")

            try await server.grant(machine, Self.billing, scopes: "read:invoices")
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(machine, audience: Self.orders), "unauthorized_client")
            #expect(try await server.clientCredentials(machine, audience: Self.billing).status == 200, "a grant for one API opens only that API")

            try await server.provider.administration.removeClientGrant(clientID: machine.id, apiIdentifier: Self.billing)
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(machine, audience: Self.billing), "unauthorized_client")
        }
    }

    @Test("client grant caps the scope to the intersection; no scope asked gets every granted permission", arguments: TestEngine.all)
    func machineScopeIntersection(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")

            let asked = try await server.clientCredentials(machine, audience: Self.orders, scope: "read:orders write:orders")
            #expect(asked.status == 200)
            #expect(asked.json["scope"] as? String == "read:orders")
            let (claims, _) = try await server.verifyAccessToken(try #require(asked.json["access_token"] as? String))
            #expect(claims.scope == "read:orders", "the token itself carries no ungranted permission")

            let all = try await server.clientCredentials(machine, audience: Self.orders)
            #expect(all.json["scope"] as? String == "read:orders")

            let notGranted = try await server.clientCredentials(machine, audience: Self.orders, scope: "write:orders")
            #expect(notGranted.status == 200)
            #expect((notGranted.json["scope"] as? String ?? "").isEmpty, "write:orders is not granted: \(notGranted.body)")
            let (narrow, _) = try await server.verifyAccessToken(try #require(notGranted.json["access_token"] as? String))
            #expect(narrow.scope?.contains("write:orders") != true)
        }
    }

    @Test("public client adds an API audience it has no grant for: access_denied, back to its redirect_uri with state and iss", arguments: TestEngine.all)
    func userFlowWithoutGrant(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let spa = try await server.addClient(isPublic: true)
            let response = try await Browser().get(server.authorizeURL(
                client: spa, scope: "openid read:orders write:orders", pkce: PKCE(), extra: [("audience", Self.orders)]))
            #expect(response.status == 302)
            #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true)
            let query = response.locationQuery
            #expect(query["error"] == "access_denied")
            #expect(query["error_description"]?.isEmpty == false)
            #expect(query["state"] == "state-123")
            #expect(query["iss"] == server.baseURL)
            #expect(query["code"] == nil)

            let confidential = try await server.addClient()
            try await server.grant(confidential, Self.billing, scopes: "read:invoices")
            let other = try await Browser().get(server.authorizeURL(client: confidential, extra: [("audience", Self.orders)]))
            #expect(other.locationQuery["error"] == "access_denied", "a grant for Billing does not open Orders")
        }
    }

    @Test("user flow with a client grant: OpenID scopes stay as asked, API permissions capped to the grant", arguments: TestEngine.all)
    func userFlowIntersection(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
                client: client, scope: "openid email offline_access read:orders write:orders", extra: [("audience", Self.orders)]))
            let response = try await server.exchange(Secret(try #require(query["code"])), client: client)
            #expect(response.status == 200)
            #expect(response.json["scope"] as? String == "openid email offline_access read:orders")
            let (claims, _) = try await server.verifyAccessToken(try #require(response.json["access_token"] as? String))
            #expect(claims.scope == "openid email offline_access read:orders")
            #expect(response.json["refresh_token"] is String)
        }
    }

    @Test("client grant narrowed, then removed after login: the refresh carries only what is granted now, then is invalid_grant",
          arguments: TestEngine.all)
    func refreshAfterGrantWithdrawn(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders write:orders")
            try await server.addUser()
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
                client: client, scope: "openid offline_access read:orders write:orders", extra: [("audience", Self.orders)]))
            let first = try await server.exchange(Secret(try #require(query["code"])), client: client)
            #expect(first.json["scope"] as? String == "openid offline_access read:orders write:orders")

            try await server.provider.administration.removeClientGrant(clientID: client.id, apiIdentifier: Self.orders)
            try await server.grant(client, Self.orders, scopes: "read:orders")
            let narrowed = try await server.refresh(try #require(first.json["refresh_token"] as? String), client: client)
            #expect(narrowed.status == 200)
            let (claims, _) = try await server.verifyAccessToken(try #require(narrowed.json["access_token"] as? String))
            #expect(claims.scope == "openid offline_access read:orders", "write:orders was withdrawn")

            try await server.provider.administration.removeClientGrant(clientID: client.id, apiIdentifier: Self.orders)
            let refused = try await server.refresh(try #require(narrowed.json["refresh_token"] as? String), client: client)
            #expect(refused.status == 400)
            #expect(refused.oauthError == "invalid_grant")
        }
    }

    @Test("another client introspects my refresh token: active false", arguments: TestEngine.all)
    func introspectOthersRefreshToken(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let victim = try await server.addClient()
            let attacker = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(attacker, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let tokens = try await server.exchange(try await server.code(for: victim), client: victim)
            let refresh = try #require(tokens.json["refresh_token"] as? String)
            let asAttacker = basicAuthorization(id: attacker.id, secret: attacker.secret!)
            for hint in [nil, "refresh_token", "access_token"] {
                let response = try await server.introspect(refresh, caller: asAttacker, hint: hint)
                #expect(response.status == 200)
                #expect(response.json as NSDictionary == ["active": false], "hint \(hint ?? "none"): \(response.body)")
            }
            let own = try await server.introspect(refresh, caller: basicAuthorization(id: victim.id, secret: victim.secret!))
            #expect(own.json["active"] as? Bool == true)
        }
    }

    @Test("another client introspects my access token: active false, unless it is granted the token's API", arguments: TestEngine.all)
    func introspectOthersAccessToken(engine: TestEngine) async throws {
        try await Self.withAPIs(engine) { server in
            let app = try await server.addClient()
            try await server.grant(app, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let opaque = try await server.exchange(try await server.code(for: app), client: app)
            let opaqueToken = try #require(opaque.json["access_token"] as? String)
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
                client: app, scope: "openid read:orders", extra: [("audience", Self.orders)]))
            let forOrders = try await server.exchange(Secret(try #require(query["code"])), client: app)
            let ordersToken = try #require(forOrders.json["access_token"] as? String)

            let stranger = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(stranger, Self.billing, scopes: "read:invoices")
            let asStranger = basicAuthorization(id: stranger.id, secret: stranger.secret!)
            #expect(try await server.introspect(opaqueToken, caller: asStranger).json as NSDictionary == ["active": false])
            #expect(try await server.introspect(ordersToken, caller: asStranger).json as NSDictionary == ["active": false],
                    "a grant for Billing does not show tokens for Orders")

            let ordersAPI = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(ordersAPI, Self.orders, scopes: "")
            let asOrdersAPI = basicAuthorization(id: ordersAPI.id, secret: ordersAPI.secret!)
            let seen = try await server.introspect(ordersToken, caller: asOrdersAPI)
            #expect(seen.json["active"] as? Bool == true)
            #expect(seen.json["client_id"] as? String == app.id)
            #expect(seen.json["aud"] as? String == Self.orders)
            #expect(try await server.introspect(opaqueToken, caller: asOrdersAPI).json as NSDictionary == ["active": false],
                    "a token for no API is only its own client's business")
        }
    }

    @Test("another client revokes my refresh token: nothing happens, my tokens stay live", arguments: TestEngine.all)
    func revokeOthersToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let victim = try await server.addClient()
            let attacker = try await server.addClient()
            try await server.addUser()
            let tokens = try await server.exchange(try await server.code(for: victim), client: victim)
            let refresh = try #require(tokens.json["refresh_token"] as? String)
            let access = try #require(tokens.json["access_token"] as? String)
            for token in [refresh, access] {
                let form = formBody([("token", token)])
                let response = try await send(.POST, server.url("/oauth/revoke"),
                                              headers: [basicAuthorization(id: attacker.id, secret: attacker.secret!), form.header], body: form.body)
                #expect(response.status == 200, "RFC 7009 §2.2: the same answer whatever the token")
            }
            #expect(try await server.userInfo(access).status == 200)
            #expect(try await server.refresh(refresh, client: victim).status == 200)
        }
    }
}
