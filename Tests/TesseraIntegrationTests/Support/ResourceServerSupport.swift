import Foundation
import JWTKit
import Testing
import TesseraClient
import TesseraCore

/// An API in front of a real Tessera: its validator and introspector discovered from the server,
/// on the server's clock, and the tokens an attacker would bring to it.
extension TestServer {
    static let ordersAPI = "https://api.example.com/orders"
    static let billingAPI = "https://api.example.com/billing"

    /// The server's clock as TesseraClient reads time.
    var now: @Sendable () -> Date {
        let clock = self.clock
        return { Date(timeIntervalSince1970: TimeInterval(clock.wallClock.now())) }
    }

    /// Registers the Orders API (read and write) and the Billing API.
    func addAPIs() async throws {
        _ = try await provider.administration.addAPI(identifier: Self.ordersAPI, name: "Orders", scopes: "read:orders write:orders")
        _ = try await provider.administration.addAPI(identifier: Self.billingAPI, name: "Billing", scopes: "read:invoices")
    }

    /// The Orders API's JWT validator, found by discovery.
    func ordersValidator(audience: String = TestServer.ordersAPI,
                         transport: any HTTPTransport = AsyncHTTPClientTransport()) async throws -> AccessTokenValidator {
        try await AccessTokenValidator.discover(issuer: baseURL, audience: audience, transport: transport, now: now)
    }

    /// An introspector authenticated as `caller`, found by discovery.
    func introspector(as caller: RegisteredClient, audience: String?, cacheCapacity: Int = 1024,
                      maximumCacheLifetime: Duration = .seconds(60),
                      transport: any HTTPTransport = AsyncHTTPClientTransport()) async throws -> TokenIntrospector {
        try await TokenIntrospector.discover(issuer: baseURL, audience: audience, clientID: caller.id, clientSecret: caller.secret!,
                                             transport: transport, cacheCapacity: cacheCapacity,
                                             maximumCacheLifetime: maximumCacheLifetime, now: now)
    }

    /// A user's token response from the browser flow: with `audience`, a JWT for that API.
    func userTokens(client: RegisteredClient, scope: String = "openid read:orders", audience: String? = nil) async throws -> HTTPResult {
        let query = try await authorize(Browser(), authorizeURL: authorizeURL(
            client: client, scope: scope, extra: audience.map { [("audience", $0)] } ?? []))
        return try await exchange(Secret(try #require(query["code"])), client: client)
    }

    /// `POST /oauth/revoke` (RFC 7009) as `client`.
    func revoke(_ token: String, client: RegisteredClient) async throws {
        let form = formBody([("token", token)])
        let response = try await send(.POST, url("/oauth/revoke"), headers: [basicAuthorization(id: client.id, secret: client.secret!), form.header],
                                      body: form.body)
        #expect(response.status == 200)
    }

    /// The server's first RSA signing key as published: its `kid`, `n` and `e`.
    func publishedRSAKey() async throws -> (kid: String, jwk: [String: Any]) {
        let jwks = try await send(.GET, url("/.well-known/jwks.json"))
        let keys = try #require(jwks.json["keys"] as? [[String: Any]])
        let rsa = try #require(keys.first { $0["kty"] as? String == "RSA" })
        return (try #require(rsa["kid"] as? String), rsa)
    }
}

/// Forgeries an attacker makes from a real token they hold: its claims, untouched, under another
/// header or signature.
enum ForgedToken {
    /// `token`'s payload under `header`, with an empty signature (`alg: none`).
    static func unsigned(_ token: String, header: [String: String]) throws -> Secret {
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        return Secret(Base64URL.encode(json) + "." + token.split(separator: ".")[1] + ".")
    }

    /// `token`'s claims signed HS256 (`typ: at+jwt`, `kid`) with `key` as the HMAC secret.
    static func hmac(_ token: String, key: some DataProtocol, kid: String) async throws -> Secret {
        let payload = try #require(Base64URL.decode(String(token.split(separator: ".")[1])))
        let claims = try JSONDecoder().decode(ClaimsPayload.self, from: Data(payload))
        let collection = JWTKeyCollection()
        await collection.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        var header = JWTHeader()
        header.typ = "at+jwt"
        return Secret(try await collection.sign(claims, kid: JWKIdentifier(string: kid), header: header))
    }

    /// Any claims, as jwt-kit signs them.
    private struct ClaimsPayload: JWTPayload {
        let claims: [String: JSONValue]
        init(from decoder: any Decoder) throws { claims = try [String: JSONValue](from: decoder) }
        func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
