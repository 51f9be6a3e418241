import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// An API checking tokens with TesseraClient's ``TokenIntrospector`` against a real Tessera's
/// `/oauth/introspect` over loopback sockets: revocation shows, a cached answer never keeps a
/// token alive past its `exp`, and the token never reaches the logs.
@Suite("Resource server: RFC 7662 introspection against a real Tessera")
struct TokenIntrospectorAttackTests {
    static let orders = TestServer.ordersAPI

    @Test("attack: a revoked opaque token is refused — the introspector, authenticated as the client it was issued to, hears inactive",
          arguments: TestEngine.all)
    func revokedOpaqueToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let response = try await server.userTokens(client: client, scope: "openid profile")
            let opaque = try #require(response.json["access_token"] as? String)
            #expect(opaque.split(separator: ".").count != 3, "a token without audience is opaque")
            // An uncached introspector asks on every request, so what it says is the server's current answer.
            let introspector = try await server.introspector(as: client, audience: client.id, cacheCapacity: 0)
            let live = try await introspector.verify(Secret(opaque))
            #expect(live.subject == user.id)
            #expect(live.clientID == client.id)
            #expect(live.scopes == "openid profile")

            try await server.revoke(opaque, client: client)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(Secret(opaque)) }?.code == .accessTokenInactive)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: a revoked JWT is refused by an API whose machine client introspects it under its client grant (the JWT check alone cannot see revocation)",
          arguments: TestEngine.all)
    func revokedJWTUnderClientGrant(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            try await server.addAPIs()
            let app = try await server.addClient()
            try await server.grant(app, Self.orders, scopes: "read:orders")
            let user = try await server.addUser()
            // The Orders API's own credentials: a machine client granted the Orders API.
            let api = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(api, Self.orders, scopes: "read:orders")
            let jwt = try #require(try await server.userTokens(client: app, audience: Self.orders).json["access_token"] as? String)

            let introspector = try await server.introspector(as: api, audience: Self.orders, cacheCapacity: 0)
            let live = try await introspector.verify(Secret(jwt))
            #expect(live.subject == user.id)
            #expect(live.clientID == app.id)
            #expect(live.audience == [Self.orders])

            try await server.revoke(jwt, client: app)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(Secret(jwt)) }?.code == .accessTokenInactive)
            #expect(try await server.ordersValidator().verify(Secret(jwt)).subject == user.id,
                    "a JWT is self-contained: only introspection learns of its revocation")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: a client not granted the API cannot learn about its tokens — Tessera says inactive to its introspector")
    func introspectorWithoutGrant() async throws {
        try await TestServer.with(.sqlite) { server in
            try await server.addAPIs()
            let app = try await server.addClient()
            try await server.grant(app, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let stranger = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(stranger, TestServer.billingAPI, scopes: "read:invoices")
            let jwt = try #require(try await server.userTokens(client: app, audience: Self.orders).json["access_token"] as? String)
            let introspector = try await server.introspector(as: stranger, audience: Self.orders)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(Secret(jwt)) }?.code == .accessTokenInactive)
        }
    }

    @Test("attack: a token for another audience, though active and visible to the introspecting client, is refused")
    func anotherAudience() async throws {
        try await TestServer.with(.sqlite) { server in
            try await server.addAPIs()
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, TestServer.billingAPI, scopes: "read:invoices")
            let billing = try #require(try await server.clientCredentials(machine, audience: TestServer.billingAPI).json["access_token"] as? String)
            // The machine client introspects its own token: active, but for Billing.
            let introspector = try await server.introspector(as: machine, audience: Self.orders)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(Secret(billing)) }?.code == .invalidAudience)
        }
    }

    @Test("attack: a refresh token presented as a bearer token is refused, though Tessera says it is active")
    func refreshTokenAsAccessToken() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let refresh = try #require(try await server.userTokens(client: client, scope: "openid offline_access").json["refresh_token"] as? String)
            let introspector = try await server.introspector(as: client, audience: nil)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(Secret(refresh)) }?.code == .accessTokenInactive)
        }
    }

    @Test("attack: a cached answer never outlives the token's exp — at exp the introspector asks again and hears inactive")
    func cacheNeverOutlivesExpiry() async throws {
        try await TestServer.with(.sqlite, configure: { $0.accessTokenLifetime = 120 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let opaque = Secret(try #require(try await server.userTokens(client: client, scope: "openid").json["access_token"] as? String))
            let transport = CountingTransport()
            let introspector = try await server.introspector(as: client, audience: nil, maximumCacheLifetime: .seconds(3600),
                                                             transport: transport)
            _ = try await introspector.verify(opaque)
            server.clock.advance(by: 119)
            _ = try await introspector.verify(opaque)
            #expect(transport.count(.post, "/oauth/introspect") == 1, "within exp the cached answer serves")
            server.clock.advance(by: 1)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(opaque) }?.code == .accessTokenInactive)
            #expect(transport.count(.post, "/oauth/introspect") == 2, "at exp the cache no longer answers")
        }
    }

    @Test("a revocation shows through the cache within maximumCacheLifetime")
    func revocationThroughCache() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let opaque = try #require(try await server.userTokens(client: client, scope: "openid").json["access_token"] as? String)
            let introspector = try await server.introspector(as: client, audience: nil, maximumCacheLifetime: .seconds(60))
            _ = try await introspector.verify(Secret(opaque))
            try await server.revoke(opaque, client: client)
            server.clock.advance(by: 60)
            #expect(await thrown(ClientError.self) { _ = try await introspector.verify(Secret(opaque)) }?.code == .accessTokenInactive)
        }
    }

    @Test("an API with wrong credentials gets 'authorization server unavailable' (503), not 'invalid token' (401)")
    func wrongCredentials() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let opaque = try #require(try await server.userTokens(client: client, scope: "openid").json["access_token"] as? String)
            let wrong = TestServer.RegisteredClient(id: client.id, secret: Secret("not-the-secret"))
            let error = await thrown(ClientError.self) { _ = try await server.introspector(as: wrong, audience: nil).verify(Secret(opaque)) }
            #expect(error?.isAuthorizationServerUnavailable == true)
            #expect(error?.status == 401)
        }
    }
}
