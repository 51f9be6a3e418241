import Foundation
import NIOHTTP1
import Testing
import TesseraCore

/// RFC 9449 §7 at the provider's own protected resource, `/userinfo`, over a real socket: a
/// DPoP-bound access token works only as `Authorization: DPoP` with a fresh proof of its key for
/// this very request; every way of using it without the key is refused. Proofs are made at the
/// server's clock, which stands still until a test moves it.
@Suite("RFC 9449 §7: DPoP-bound tokens at /userinfo")
struct DPoPUserInfoTests {
    /// An access token of alice's with `openid email`, bound to `key`.
    static func boundToken(_ server: TestServer, key: DPoPKey) async throws -> String {
        let client = try await server.addClient()
        try await server.addUser()
        let tokens = try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client, dpop: try server.tokenProof(key))
        #expect(tokens.status == 200, "\(tokens.body)")
        #expect(tokens.json["token_type"] as? String == "DPoP")
        return try #require(tokens.json["access_token"] as? String)
    }

    /// A fresh server on `engine` with alice's access token bound to a new ES256 key.
    static func withBoundToken(_ engine: TestEngine, _ body: (TestServer, DPoPKey, String) async throws -> Void) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            try await body(server, key, try await boundToken(server, key: key))
        }
    }

    /// A proof of `key` for `method` `url` (GET /userinfo by default) at the server's clock, with
    /// the `ath` of `token` when given.
    static func proof(_ key: DPoPKey, _ server: TestServer, method: String = "GET", url: String? = nil, token: String? = nil,
                      nonce: String? = nil) throws -> String {
        try key.proof(method: method, url: url ?? server.url("/userinfo"), accessToken: token.map(Secret.init), nonce: nonce,
                      issuedAt: server.now())
    }

    /// `/userinfo` with `Authorization: DPoP <token>` and, when given, a `DPoP` proof.
    static func userInfo(_ server: TestServer, token: String, proof: String?, method: HTTPMethod = .GET) async throws -> HTTPResult {
        var headers = [("Authorization", "DPoP \(token)")]
        if let proof { headers.append(("DPoP", proof)) }
        return try await send(method, server.url("/userinfo"), headers: headers)
    }

    @Test("RFC 9449 §7: a DPoP-bound token works at /userinfo as 'Authorization: DPoP' with a proof of its key for the request (GET and POST)",
          arguments: TestEngine.all)
    func boundTokenWorks(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { server, key, token in
            for method in [HTTPMethod.GET, .POST] {
                let proof = try Self.proof(key, server, method: method.rawValue, token: token)
                let response = try await Self.userInfo(server, token: token, proof: proof, method: method)
                #expect(response.status == 200, "\(method): \(response.body)")
                #expect(response.json["email"] as? String == "alice@example.com")
                #expect(response.header("DPoP-Nonce") == nil, "nonces are off by default")
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §7: EdDSA and RS256 keys work at /userinfo as ES256 does")
    func otherAlgorithms() async throws {
        try await TestServer.with(.sqlite) { server in
            for algorithm in [DPoPAlgorithm.edDSA, .rs256] {
                let key = DPoPKey.generate(algorithm)
                let client = try await server.addClient()
                if algorithm == .edDSA { try await server.addUser() }
                let tokens = try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client, dpop: try server.tokenProof(key))
                let token = try #require(tokens.json["access_token"] as? String, "\(algorithm): \(tokens.body)")
                let proof = try Self.proof(key, server, token: token)
                let response = try await Self.userInfo(server, token: token, proof: proof)
                #expect(response.status == 200, "\(algorithm): \(response.body)")
            }
        }
    }

    @Test("attack: a DPoP-bound access token presented as Bearer at /userinfo is 401 invalid_token", arguments: TestEngine.all)
    func boundTokenAsBearer(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { server, key, token in
            let inHeader = try await server.userInfo(token)
            inHeader.expectInvalidToken()
            #expect(inHeader.json["email"] == nil)
            #expect(inHeader.headers["WWW-Authenticate"].contains(#"DPoP algs="ES256 EdDSA RS256""#), "\(inHeader.headers)")
            // RFC 6750 §3: the description (which cites "RFC 9449 §7.1") reaches the header in
            // printable ASCII only.
            let challenges = inHeader.headers["WWW-Authenticate"]
            #expect(challenges.contains { $0.contains("error_description=") }, "\(challenges)")
            #expect(challenges.allSatisfy { $0.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) } }, "\(challenges)")

            let form = formBody([("access_token", token)])
            let inBody = try await send(.POST, server.url("/userinfo"), headers: [form.header], body: form.body)
            inBody.expectInvalidToken()

            // Even with a valid proof beside it: the Bearer scheme says the sender does not hold the key.
            let proof = try Self.proof(key, server, token: token)
            try await send(.GET, server.url("/userinfo"), headers: [("Authorization", "Bearer \(token)"), ("DPoP", proof)]).expectInvalidToken()
        }
    }

    @Test("attack: a /userinfo proof without ath / with the ath of another token is invalid_dpop_proof", arguments: TestEngine.all)
    func wrongAth(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { server, key, token in
            let client = try await server.addClient()
            let other = try #require(try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client, dpop: try server.tokenProof(key))
                .json["access_token"] as? String)

            let withoutAth = try Self.proof(key, server)
            try await Self.userInfo(server, token: token, proof: withoutAth).expectInvalidDPoPProof()
            let athOfOther = try Self.proof(key, server, token: other)
            try await Self.userInfo(server, token: token, proof: athOfOther).expectInvalidDPoPProof()
            try await Self.userInfo(server, token: token, proof: nil).expectInvalidDPoPProof()
        }
    }

    @Test("attack: a /userinfo proof signed by another key than cnf.jkt is refused", arguments: TestEngine.all)
    func anotherKey(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { server, _, token in
            let thief = DPoPKey.generate(.es256)
            let proof = try Self.proof(thief, server, token: token)
            let response = try await Self.userInfo(server, token: token, proof: proof)
            response.expectInvalidDPoPProof()
            #expect(response.json["email"] == nil)
        }
    }

    @Test("attack: a /userinfo proof for another method or another URL is invalid_dpop_proof", arguments: TestEngine.all)
    func anotherRequest(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { server, key, token in
            let forPOST = try Self.proof(key, server, method: "POST", token: token)
            try await Self.userInfo(server, token: token, proof: forPOST, method: .GET).expectInvalidDPoPProof()
            let forTokenEndpoint = try Self.proof(key, server, url: server.url("/oauth/token"), token: token)
            try await Self.userInfo(server, token: token, proof: forTokenEndpoint).expectInvalidDPoPProof()
            let forAnotherHost = try Self.proof(key, server, url: "https://evil.example/userinfo", token: token)
            try await Self.userInfo(server, token: token, proof: forAnotherHost).expectInvalidDPoPProof()
        }
    }

    @Test("attack: a replayed DPoP proof at /userinfo is invalid_dpop_proof", arguments: TestEngine.all)
    func replayedProof(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { server, key, token in
            let proof = try Self.proof(key, server, token: token)
            #expect(try await Self.userInfo(server, token: token, proof: proof).status == 200)
            let replay = try await Self.userInfo(server, token: token, proof: proof)
            replay.expectInvalidDPoPProof()
            #expect(replay.json["email"] == nil)
        }
    }

    @Test("RFC 9449 §7.1: an unbound token under the DPoP scheme is 401 invalid_token in a DPoP challenge; a DPoP header beside a body token is 400 invalid_request",
          arguments: TestEngine.all)
    func unboundTokenAsDPoP(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let token = try await UserInfoTokenTests.accessToken(server)
            let proof = try Self.proof(key, server, token: token)
            let response = try await Self.userInfo(server, token: token, proof: proof)
            #expect(response.status == 401)
            #expect(response.oauthError == "invalid_token")
            #expect(response.header("WWW-Authenticate")?.hasPrefix(#"DPoP error="invalid_token""#) == true, "\(response.headers)")

            let form = formBody([("access_token", token)])
            let twoMethods = try await send(.POST, server.url("/userinfo"), headers: [("Authorization", "DPoP \(token)"), form.header], body: form.body)
            #expect(twoMethods.status == 400)
            #expect(twoMethods.oauthError == "invalid_request")
        }
    }

    @Test("RFC 9449 §7.1: a request without a token is 401 with a Bearer and a DPoP algs challenge")
    func noToken() async throws {
        try await TestServer.with(.sqlite) { server in
            let response = try await send(.GET, server.url("/userinfo"))
            #expect(response.status == 401)
            #expect(response.headers["WWW-Authenticate"] == [#"Bearer realm="tessera""#, #"DPoP algs="ES256 EdDSA RS256""#])
        }
    }

    @Test("RFC 9449 §9: with nonces required, a /userinfo proof without one is 401 use_dpop_nonce with a DPoP-Nonce; the retry with it is 200",
          arguments: TestEngine.all)
    func nonceRequired(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.dpop.requireNonce = true }) { server in
            let key = DPoPKey.generate(.es256)
            let client = try await server.addClient()
            try await server.addUser()
            let tokens = try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client,
                                                   dpop: try server.tokenProof(key, nonce: server.provider.dpop.currentNonce()))
            let token = try #require(tokens.json["access_token"] as? String, "\(tokens.body)")

            let withoutNonce = try Self.proof(key, server, token: token)
            let refused = try await Self.userInfo(server, token: token, proof: withoutNonce)
            #expect(refused.status == 401)
            #expect(refused.oauthError == "use_dpop_nonce")
            #expect(refused.header("WWW-Authenticate")?.hasPrefix(#"DPoP error="use_dpop_nonce""#) == true, "\(refused.headers)")
            let nonce = try #require(refused.header("DPoP-Nonce"))

            let withNonce = try Self.proof(key, server, token: token, nonce: nonce)
            let answered = try await Self.userInfo(server, token: token, proof: withNonce)
            #expect(answered.status == 200, "\(answered.body)")
            #expect(answered.header("DPoP-Nonce") == nonce, "the answer carries the nonce for the next proof")
        }
    }
}

extension HTTPResult {
    /// Expects RFC 9449 §7.1's 401 `invalid_dpop_proof` in a `DPoP` challenge naming the algorithms.
    func expectInvalidDPoPProof(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 401, "status \(status): \(body)", sourceLocation: sourceLocation)
        #expect(oauthError == "invalid_dpop_proof", "\(body)", sourceLocation: sourceLocation)
        #expect((json["error_description"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        let challenge = header("WWW-Authenticate") ?? ""
        #expect(challenge.hasPrefix(#"DPoP error="invalid_dpop_proof", error_description=""#) && challenge.hasSuffix(#"algs="ES256 EdDSA RS256""#),
                "challenge: \(challenge)", sourceLocation: sourceLocation)
    }
}
