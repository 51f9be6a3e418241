import Foundation
import JWTKit
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// An API protected by TesseraClient's ``AccessTokenValidator`` in front of a real Tessera over
/// loopback sockets: the real tokens it must accept, and each token an attacker could bring.
/// The validator's keys come from Tessera's discovery and JWKS; its clock is Tessera's.
@Suite("Resource server: RFC 9068 access tokens against a real Tessera")
struct AccessTokenValidatorAttackTests {
    static let orders = TestServer.ordersAPI

    /// A server with the two APIs and a machine client granted Orders (read) and Billing.
    static func withMachine(_ body: (TestServer, TestServer.RegisteredClient) async throws -> Void) async throws {
        try await TestServer.with(.sqlite) { server in
            try await server.addAPIs()
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, TestServer.ordersAPI, scopes: "read:orders")
            try await server.grant(machine, TestServer.billingAPI, scopes: "read:invoices")
            try await body(server, machine)
        }
    }

    static func accessToken(_ response: HTTPResult) throws -> String {
        try #require(response.json["access_token"] as? String, "\(response.status) \(response.body)")
    }

    @Test("RFC 9068 §4: a real client_credentials JWT validates to the machine client as subject and client_id, with its scopes")
    func clientCredentialsToken() async throws {
        try await Self.withMachine { server, machine in
            let token = try Self.accessToken(try await server.clientCredentials(machine, audience: Self.orders))
            let verified = try await server.ordersValidator().verify(Secret(token))
            #expect(verified.subject == machine.id)
            #expect(verified.clientID == machine.id)
            #expect(verified.scopes == "read:orders")
            #expect(verified.audience == [Self.orders])
            #expect(verified.claims["iss"] == .string(server.baseURL))
            #expect(verified.expiresAt == server.now().addingTimeInterval(86_400))
        }
    }

    @Test("RFC 9068 §4: a real user-flow JWT asked with audience validates to the user, the client and the granted scopes")
    func userFlowToken() async throws {
        try await TestServer.with(.sqlite) { server in
            try await server.addAPIs()
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            let user = try await server.addUser()
            let response = try await server.userTokens(client: client, scope: "openid read:orders write:orders", audience: Self.orders)
            let verified = try await server.ordersValidator().verify(Secret(try Self.accessToken(response)))
            #expect(verified.subject == user.id)
            #expect(verified.clientID == client.id)
            #expect(verified.scopes == "openid read:orders")
            #expect(verified.audience == [Self.orders, server.url("/userinfo")])
        }
    }

    @Test("attack: a real token for another audience (Billing) is refused by the Orders API")
    func anotherAudience() async throws {
        try await Self.withMachine { server, machine in
            let billing = try Self.accessToken(try await server.clientCredentials(machine, audience: TestServer.billingAPI))
            let error = await thrown(ClientError.self) { _ = try await server.ordersValidator().verify(Secret(billing)) }
            #expect(error?.code == .invalidAudience)
            #expect(error?.isAuthorizationServerUnavailable == false)
            // The same token opens the API it was meant for.
            #expect(try await server.ordersValidator(audience: TestServer.billingAPI).verify(Secret(billing)).scopes == "read:invoices")
        }
    }

    @Test("attack: a real token presented after its exp (Tessera's clock moved past it) is refused")
    func expired() async throws {
        try await TestServer.with(.sqlite, configure: { $0.accessTokenLifetime = 300 }) { server in
            try await server.addAPIs()
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")
            let token = Secret(try Self.accessToken(try await server.clientCredentials(machine, audience: Self.orders)))
            let validator = try await server.ordersValidator()
            server.clock.advance(by: 300 + 29)
            #expect(try await validator.verify(token).subject == machine.id, "within the 30 s clock skew")
            server.clock.advance(by: 1)
            #expect(await thrown(ClientError.self) { _ = try await validator.verify(token) }?.code == .expired)
        }
    }

    @Test("attack: a token from another issuer signed with a key this API trusts (a second Tessera on the same keys) is refused")
    func anotherIssuer() async throws {
        try await Self.withMachine { server, machine in
            // A second issuer name on the same database and master key: same signing keys, other `iss`.
            let other = try await TestServer.start(.sqlite, database: server.database)
            do {
                let token = try Self.accessToken(try await other.clientCredentials(machine, audience: Self.orders))
                #expect(try await other.ordersValidator().verify(Secret(token)).subject == machine.id, "valid at its own issuer")
                #expect(await thrown(ClientError.self) { _ = try await server.ordersValidator().verify(Secret(token)) }?.code == .invalidIssuer)
            } catch {
                await other.stop()
                throw error
            }
            await other.stop()
        }
    }

    @Test("attack: a token from an unrelated issuer (its own keys) is refused: no key of this issuer signed it")
    func unrelatedIssuer() async throws {
        try await Self.withMachine { server, _ in
            try await TestServer.with(.sqlite) { stranger in
                try await stranger.addAPIs()
                let machine = try await stranger.addClient(grantTypes: [.clientCredentials])
                try await stranger.grant(machine, Self.orders, scopes: "read:orders")
                let token = try Self.accessToken(try await stranger.clientCredentials(machine, audience: Self.orders))
                let refused = await thrown(ClientError.self) { _ = try await server.ordersValidator().verify(Secret(token)) }
                #expect([ClientError.Code.keyNotFound, .invalidSignature].contains(refused?.code), "\(String(describing: refused))")
            }
        }
    }

    @Test("attack: a real token's claims with alg none and no signature are refused before any key is used")
    func algNone() async throws {
        try await Self.withMachine { server, machine in
            let token = try Self.accessToken(try await server.clientCredentials(machine, audience: Self.orders))
            let (kid, _) = try await server.publishedRSAKey()
            let unsigned = try ForgedToken.unsigned(token, header: ["alg": "none", "typ": "at+jwt", "kid": kid])
            #expect(await thrown(ClientError.self) { _ = try await server.ordersValidator().verify(unsigned) }?.code == .algorithmNotAllowed)
        }
    }

    @Test("attack: a real token's claims re-signed HS256 with Tessera's public RSA key as the HMAC secret are refused")
    func hmacWithPublicKey() async throws {
        try await Self.withMachine { server, machine in
            let token = try Self.accessToken(try await server.clientCredentials(machine, audience: Self.orders))
            let (kid, jwk) = try await server.publishedRSAKey()
            let modulus = try #require(jwk["n"] as? String), exponent = try #require(jwk["e"] as? String)
            let pem = try Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent).pemRepresentation
            let jwkJSON = try JSONSerialization.data(withJSONObject: jwk, options: [.sortedKeys])
            let validator = try await server.ordersValidator()
            for secret in [Data(pem.utf8), jwkJSON, Data(try #require(Base64URL.decode(modulus)))] {
                let forged = try await ForgedToken.hmac(token, key: secret, kid: kid)
                #expect(await thrown(ClientError.self) { _ = try await validator.verify(forged) }?.code == .algorithmNotAllowed)
            }
        }
    }

    @Test("attack: an id_token presented as an access token is refused for its typ, even to an API named like the client")
    func idTokenAsAccessToken() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let response = try await server.userTokens(client: client, scope: "openid email")
            let idToken = try #require(response.json["id_token"] as? String)
            // An API whose identifier is the client's id: only typ stops the id_token (its aud is that client).
            let validator = try await server.ordersValidator(audience: client.id)
            #expect(await thrown(ClientError.self) { _ = try await validator.verify(Secret(idToken)) }?.code == .accessTokenInvalidType)
        }
    }

    @Test("attack: an opaque access token presented to the JWT validator is refused as malformed, not a 503")
    func opaqueToJWTValidator() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let opaque = try Self.accessToken(try await server.userTokens(client: client, scope: "openid"))
            let error = await thrown(ClientError.self) { _ = try await server.ordersValidator().verify(Secret(opaque)) }
            #expect(error?.code == .malformedAccessToken)
            #expect(error?.isAuthorizationServerUnavailable == false)
        }
    }
}
