import Foundation
import Testing
import TesseraCore
import TesseraServer

/// The token endpoint's side of DPoP (RFC 9449 §4.3, §5, §6.1, §8), over a real socket on both
/// engines: which proofs it takes, what a bound token looks like, refresh binding, nonces.
@Suite("DPoP at the token endpoint (RFC 9449)")
struct DPoPTokenEndpointTests {
    // MARK: What a proof binds

    @Test("RFC 9449 §5, §6.1: a code exchanged with a DPoP proof gets token_type DPoP and a JWT access token whose cnf.jkt is the key's RFC 7638 thumbprint",
          arguments: TestEngine.all)
    func boundExchange(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let (client, code) = try await Self.ordersCode(server)
            let key = DPoPKey.generate(.es256)
            let response = try await server.exchange(code, client: client, dpop: try server.tokenProof(key))
            #expect(response.status == 200)
            #expect(response.json["token_type"] as? String == "DPoP")
            let accessToken = try #require(response.json["access_token"] as? String)
            let (_, type) = try await server.verifyAccessToken(accessToken)
            #expect(type == "at+jwt")
            #expect(try jwtPayload(accessToken)["cnf"] as? [String: String] == ["jkt": key.thumbprint])
            #expect(try await server.boundKeys("access_tokens") == [key.thumbprint])
            // A confidential client authenticates to refresh: its refresh token is not bound (RFC 9449 §5).
            #expect(try await server.boundKeys("refresh_tokens") == [nil])
        }
    }

    @Test("RFC 9449 §5: a code exchanged without a DPoP proof gets a Bearer token, no cnf, nothing recorded as bound", arguments: TestEngine.all)
    func bearerExchange(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let (client, code) = try await Self.ordersCode(server)
            let response = try await server.exchange(code, client: client)
            #expect(response.status == 200)
            #expect(response.json["token_type"] as? String == "Bearer")
            let accessToken = try #require(response.json["access_token"] as? String)
            #expect(try jwtPayload(accessToken)["cnf"] == nil)
            #expect(response.header("DPoP-Nonce") == nil, "nonces are off by default")
            #expect(try await server.boundKeys("access_tokens") == [nil])
        }
    }

    @Test("RFC 9449 §5: client_credentials with a DPoP proof gets a bound JWT; an opaque access token's row records the key too",
          arguments: TestEngine.all)
    func boundMachineAndOpaqueTokens(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machine(server)
            let key = DPoPKey.generate(.edDSA)
            let response = try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key))
            #expect(response.status == 200)
            #expect(response.json["token_type"] as? String == "DPoP")
            #expect(try jwtPayload(try #require(response.json["access_token"] as? String))["cnf"] as? [String: String] == ["jkt": key.thumbprint])

            // No audience: an opaque access token, bound in storage alone.
            let client = try await server.addClient()
            try await server.addUser()
            let rsa = DPoPKey.generate(.rs256)
            let opaque = try await server.exchange(try await server.code(for: client, scope: "openid"), client: client,
                                                   dpop: try server.tokenProof(rsa))
            #expect(opaque.json["token_type"] as? String == "DPoP")
            #expect(Set(try await server.boundKeys("access_tokens")) == [key.thumbprint, rsa.thumbprint])
        }
    }

    // MARK: Proofs refused

    @Test("attack: a replayed DPoP proof at the token endpoint is invalid_dpop_proof", arguments: TestEngine.all)
    func replay(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machine(server)
            let proof = try server.tokenProof(DPoPKey.generate(.es256))
            #expect(try await Self.clientCredentials(server, machine, proof: proof).status == 200)
            let replayed = try await Self.clientCredentials(server, machine, proof: proof)
            TokenEndpointErrorTests.expectError(replayed, "invalid_dpop_proof")
            #expect(replayed.json["access_token"] == nil)
        }
    }

    @Test("attack: a DPoP proof made for another method (GET) or another URL is invalid_dpop_proof", arguments: TestEngine.all)
    func otherMethodOrURL(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machine(server)
            let key = DPoPKey.generate(.es256)
            let token = server.url("/oauth/token")
            let now = server.now()
            for proof in [try key.proof(method: "GET", url: token, issuedAt: now),
                          try key.proof(method: "POST", url: server.url("/userinfo"), issuedAt: now),
                          try key.proof(method: "POST", url: "https://attacker.example/oauth/token", issuedAt: now)] {
                TokenEndpointErrorTests.expectError(try await Self.clientCredentials(server, machine, proof: proof), "invalid_dpop_proof")
            }
            // The same key for this method and URL is accepted: the refusals were for the proofs' htm and htu.
            #expect(try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key)).status == 200)
        }
    }

    @Test("attack: a DPoP proof with a stale iat, or an iat beyond the clock skew in the future, is invalid_dpop_proof", arguments: TestEngine.all)
    func staleOrFutureProof(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machine(server)
            let key = DPoPKey.generate(.es256)
            let now = server.now()
            for issuedAt in [now.addingTimeInterval(-61), now.addingTimeInterval(30)] {
                let response = try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key, issuedAt: issuedAt))
                TokenEndpointErrorTests.expectError(response, "invalid_dpop_proof")
            }
            // A proof made now is refused once the server's clock has moved past its window.
            let early = try server.tokenProof(key, issuedAt: now)
            server.clock.advance(by: 70)
            TokenEndpointErrorTests.expectError(try await Self.clientCredentials(server, machine, proof: early), "invalid_dpop_proof")
        }
    }

    @Test("attack: a DPoP proof whose jwk carries a private key, or whose alg is none, is invalid_dpop_proof", arguments: TestEngine.all)
    func privateKeyOrAlgNone(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await Self.machine(server)
            let key = DPoPKey.generate(.es256)
            let claims: [String: JSONValue] = [
                "jti": .string(UUID().uuidString), "htm": .string("POST"), "htu": .string(server.url("/oauth/token")),
                "iat": .number(server.now().timeIntervalSince1970.rounded(.down)),
            ]
            var withPrivate = key.publicKey.jwk
            withPrivate["d"] = .string("mYg1rXlJ0rVyqdS2yR4HRRl3KQ4bDz1L1hVQ6fX2lJs")
            for header: [String: JSONValue] in [
                ["typ": .string("dpop+jwt"), "alg": .string("ES256"), "jwk": .object(withPrivate)],
                ["typ": .string("dpop+jwt"), "alg": .string("none"), "jwk": .object(key.publicKey.jwk)],
            ] {
                let proof = try key.signedJWT(header: header, claims: claims)
                TokenEndpointErrorTests.expectError(try await Self.clientCredentials(server, machine, proof: proof), "invalid_dpop_proof")
            }
        }
    }

    // MARK: Refresh binding (RFC 9449 §5)

    @Test("attack: a public client's DPoP-bound refresh token used without the key is refused: no proof, or a proof of another key",
          arguments: TestEngine.all)
    func boundRefreshToken(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let spa = try await server.addClient(isPublic: true)
            try await server.addUser()
            let key = DPoPKey.generate(.es256)
            let pkce = PKCE()
            let exchanged = try await server.exchange(try await server.code(for: spa, pkce: pkce), client: spa, verifier: pkce.verifier,
                                                      dpop: try server.tokenProof(key))
            #expect(exchanged.json["token_type"] as? String == "DPoP")
            let first = try #require(exchanged.json["refresh_token"] as? String)
            #expect(try await server.boundKeys("refresh_tokens") == [key.thumbprint])

            for proof in [nil, try server.tokenProof(DPoPKey.generate(.es256))] {
                let refused = try await server.refresh(first, client: spa, dpop: proof)
                TokenEndpointErrorTests.expectError(refused, "invalid_dpop_proof")
                #expect(refused.json["access_token"] == nil)
            }

            // Nothing was rotated and nothing revoked: the key's holder refreshes, and stays bound.
            let refreshed = try await server.refresh(first, client: spa, dpop: try server.tokenProof(key))
            #expect(refreshed.status == 200)
            #expect(refreshed.json["token_type"] as? String == "DPoP")
            let second = try #require(refreshed.json["refresh_token"] as? String)
            #expect(try await server.boundKeys("refresh_tokens") == [key.thumbprint, key.thumbprint])
            TokenEndpointErrorTests.expectError(try await server.refresh(second, client: spa), "invalid_dpop_proof")
            #expect(try await server.refresh(second, client: spa, dpop: try server.tokenProof(key)).status == 200)
        }
    }

    @Test("RFC 9449 §5: a confidential client's refresh token is not bound; the access token a refresh issues is bound to that refresh's proof",
          arguments: TestEngine.all)
    func confidentialRefresh(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let (client, code) = try await Self.ordersCode(server)
            let key = DPoPKey.generate(.es256)
            let exchanged = try await server.exchange(code, client: client, dpop: try server.tokenProof(key))
            let first = try #require(exchanged.json["refresh_token"] as? String)

            let bearer = try await server.refresh(first, client: client)
            #expect(bearer.status == 200, "the client's secret, not a key, proves it may refresh")
            #expect(bearer.json["token_type"] as? String == "Bearer")
            #expect(try jwtPayload(try #require(bearer.json["access_token"] as? String))["cnf"] == nil)

            let other = DPoPKey.generate(.edDSA)
            let bound = try await server.refresh(try #require(bearer.json["refresh_token"] as? String), client: client,
                                                 dpop: try server.tokenProof(other))
            #expect(bound.json["token_type"] as? String == "DPoP")
            #expect(try jwtPayload(try #require(bound.json["access_token"] as? String))["cnf"] as? [String: String] == ["jkt": other.thumbprint])
            #expect(try await server.boundKeys("refresh_tokens") == [nil, nil, nil])
        }
    }

    // MARK: Nonces (RFC 9449 §8)

    @Test("RFC 9449 §8: with --dpop-nonce, a proof without a nonce gets use_dpop_nonce and a DPoP-Nonce header; the retry with it succeeds",
          arguments: TestEngine.all)
    func nonceRequired(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.dpop.requireNonce = true }) { server in
            let machine = try await Self.machine(server)
            let key = DPoPKey.generate(.es256)
            let refused = try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key))
            TokenEndpointErrorTests.expectError(refused, "use_dpop_nonce")
            let nonce = try #require(refused.header("DPoP-Nonce"))

            let retried = try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key, nonce: nonce))
            #expect(retried.status == 200)
            #expect(retried.json["token_type"] as? String == "DPoP")
            #expect(retried.header("DPoP-Nonce") == nonce, "a success carries the current nonce too")

            // A request without a proof is Bearer as ever, and is told the nonce all the same.
            let bearer = try await Self.clientCredentials(server, machine, proof: nil)
            #expect(bearer.json["token_type"] as? String == "Bearer")
            #expect(bearer.header("DPoP-Nonce") == nonce)
        }
    }

    @Test("attack: with --dpop-nonce, a made-up nonce or one rotated out is use_dpop_nonce, with the current nonce in DPoP-Nonce",
          arguments: TestEngine.all)
    func nonceForgedOrRotated(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.dpop.requireNonce = true }) { server in
            let machine = try await Self.machine(server)
            let key = DPoPKey.generate(.es256)
            let made = try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key, nonce: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
            TokenEndpointErrorTests.expectError(made, "use_dpop_nonce")
            let nonce = try #require(made.header("DPoP-Nonce"))

            // Two nonce lifetimes later the nonce is neither current nor previous.
            server.clock.advance(by: 2 * Int(server.provider.configuration.dpop.nonceLifetime.components.seconds))
            let stale = try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key, nonce: nonce))
            TokenEndpointErrorTests.expectError(stale, "use_dpop_nonce")
            let rotated = try #require(stale.header("DPoP-Nonce"))
            #expect(rotated != nonce, "nonces rotate")
            #expect(try await Self.clientCredentials(server, machine, proof: try server.tokenProof(key, nonce: rotated)).status == 200)
        }
    }

    // MARK: Set-up

    /// A confidential client granted the Orders API, the user logged in, and a code for a JWT
    /// access token to that API (with a refresh token).
    static func ordersCode(_ server: TestServer) async throws -> (TestServer.RegisteredClient, Secret) {
        let client = try await server.addClient()
        try await server.grantOrders(to: client)
        try await server.addUser()
        let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
            client: client, scope: "openid offline_access read:orders", extra: [("audience", TestServer.ordersAPI)]))
        return (client, Secret(try #require(query["code"])))
    }

    /// A machine client granted the Orders API.
    static func machine(_ server: TestServer) async throws -> TestServer.RegisteredClient {
        let machine = try await server.addClient(grantTypes: [.clientCredentials])
        try await server.grantOrders(to: machine)
        return machine
    }

    /// client_credentials for the Orders API, with `proof` in a `DPoP` header when given.
    static func clientCredentials(_ server: TestServer, _ client: TestServer.RegisteredClient, proof: String?) async throws -> HTTPResult {
        try await server.token([("grant_type", "client_credentials"), ("audience", TestServer.ordersAPI)], client: client,
                               headers: proof.map { [("DPoP", $0)] } ?? [])
    }
}
