import Foundation
import JWTKit
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// The claims of an RFC 9068 access token as a resource server reads them.
struct ReceivedAccessToken: JWTPayload {
    var iss: String
    var sub: String
    var aud: [String]
    var exp: Int
    var iat: Int
    var jti: String
    var client_id: String
    var scope: String?
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension TestServer {
    /// Verifies a JWT access token against the JWKS and returns its claims and `typ`.
    func verifyAccessToken(_ token: String) async throws -> (claims: ReceivedAccessToken, type: String?) {
        let jwks = try await send(.GET, url("/.well-known/jwks.json"))
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: jwks.body)
        let claims = try await keys.verify(token, as: ReceivedAccessToken.self)
        let header = try JSONSerialization.jsonObject(with: Data(Base64URL.decode(String(token.split(separator: ".")[0])) ?? [])) as? [String: Any]
        return (claims, header?["typ"] as? String)
    }

    /// Grants `client` the API `audience` with `scopes` (`tessera grants add`).
    func grant(_ client: RegisteredClient, _ audience: String, scopes: Scope) async throws {
        _ = try await provider.administration.addClientGrant(clientID: client.id, apiIdentifier: audience, scopes: scopes)
    }

    func clientCredentials(_ client: RegisteredClient, audience: String?, scope: String? = nil) async throws -> HTTPResult {
        var pairs = [("grant_type", "client_credentials")]
        if let audience { pairs.append(("audience", audience)) }
        if let scope { pairs.append(("scope", scope)) }
        return try await token(pairs, client: client)
    }
}

@Suite("APIs and machine clients (client_credentials, RFC 9068 JWT access tokens)")
struct MachineClientTests {
    static let audience = "https://api.example.com/orders"

    @Test("client_credentials with a registered audience returns an at+jwt access token for that API", arguments: TestEngine.all)
    func clientCredentials(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            _ = try await server.provider.administration.addAPI(identifier: Self.audience, name: "Orders", scopes: "read:orders write:orders")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.audience, scopes: "read:orders write:orders")
            let response = try await server.clientCredentials(machine, audience: Self.audience, scope: "read:orders")
            #expect(response.status == 200)
            #expect(response.json["token_type"] as? String == "Bearer")
            #expect(response.json["expires_in"] as? Int == 86400)
            #expect(response.json["refresh_token"] == nil)
            #expect(response.json["id_token"] == nil)
            let (claims, type) = try await server.verifyAccessToken(try #require(response.json["access_token"] as? String))
            #expect(type == "at+jwt")
            #expect(claims.aud == [Self.audience])
            #expect(claims.sub == machine.id)
            #expect(claims.client_id == machine.id)
            #expect(claims.iss == server.baseURL)
            #expect(claims.scope == "read:orders")
            #expect(claims.exp == claims.iat + 86400)

            let all = try await server.clientCredentials(machine, audience: Self.audience)
            #expect(all.json["scope"] as? String == "read:orders write:orders")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("an unregistered or missing audience, or a scope the API lacks, is refused with a 4xx", arguments: TestEngine.all)
    func refusals(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            _ = try await server.provider.administration.addAPI(identifier: Self.audience, name: "Orders", scopes: "read:orders")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.audience, scopes: "read:orders")
            let unknown = try await server.clientCredentials(machine, audience: "https://unknown.example")
            TokenEndpointErrorTests.expectError(unknown, "invalid_target")
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(machine, audience: nil), "invalid_request")
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(machine, audience: Self.audience, scope: "delete:orders"),
                                                "invalid_scope")
            let userClient = try await server.addClient()
            try await server.grant(userClient, Self.audience, scopes: "read:orders")
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(userClient, audience: Self.audience), "unauthorized_client")
            let badSecret = TestServer.RegisteredClient(id: machine.id, secret: Secret("wrong"))
            TokenEndpointErrorTests.expectError(try await server.clientCredentials(badSecret, audience: Self.audience), "invalid_client", status: 401)
        }
    }

    @Test("a user flow that asks for an audience gets a JWT access token for that API, usable at userinfo", arguments: TestEngine.all)
    func userFlowWithAudience(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            _ = try await server.provider.administration.addAPI(identifier: Self.audience, name: "Orders", scopes: "read:orders")
            let client = try await server.addClient()
            try await server.grant(client, Self.audience, scopes: "read:orders")
            let user = try await server.addUser()
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
                client: client, scope: "openid email read:orders delete:everything", extra: [("audience", Self.audience)]))
            let response = try await server.exchange(Secret(try #require(query["code"])), client: client)
            #expect(response.status == 200)
            #expect(response.json["scope"] as? String == "openid email read:orders")
            let accessToken = try #require(response.json["access_token"] as? String)
            let (claims, type) = try await server.verifyAccessToken(accessToken)
            #expect(type == "at+jwt")
            #expect(claims.aud == [Self.audience, server.url("/userinfo")])
            #expect(claims.sub == user.id)
            let (idClaims, _) = try await server.verifyIDToken(try #require(response.json["id_token"] as? String))
            #expect(idClaims.at_hash == AccessTokenHash.compute(for: Secret(accessToken), algorithm: "RS256"))
            #expect(try await server.userInfo(accessToken).json["sub"] as? String == user.id)

            let unknown = try await Browser().get(server.authorizeURL(client: client, extra: [("audience", "https://nope.example")]))
            #expect(unknown.locationQuery["error"] == "invalid_target", "RFC 8707 §2: an unknown API is invalid_target, as at the token endpoint")
        }
    }

    @Test("a JWT access token can be revoked and then fails at userinfo and introspection", arguments: TestEngine.all)
    func revokeJWT(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            _ = try await server.provider.administration.addAPI(identifier: Self.audience, name: "Orders", scopes: "read:orders")
            let client = try await server.addClient()
            try await server.grant(client, Self.audience, scopes: "read:orders")
            try await server.addUser()
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
                client: client, scope: "openid", extra: [("audience", Self.audience)]))
            let response = try await server.exchange(Secret(try #require(query["code"])), client: client)
            let accessToken = try #require(response.json["access_token"] as? String)
            let auth = basicAuthorization(id: client.id, secret: client.secret!)
            #expect(try await server.introspect(accessToken, caller: auth).json["active"] as? Bool == true)
            let form = formBody([("token", accessToken)])
            #expect(try await send(.POST, server.url("/oauth/revoke"), headers: [auth, form.header], body: form.body).status == 200)
            #expect(try await server.userInfo(accessToken).status == 401)
            #expect(try await server.introspect(accessToken, caller: auth).json["active"] as? Bool == false)
            // A JWT signed by anyone else is not a token here, however well-formed.
            #expect(try await server.userInfo(accessToken.dropLast(4) + "AAAA").status == 401)
        }
    }
}
