import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraHummingbird

/// The resource-server side of RFC 9449 over real sockets: the README's API (BearerTokenMiddleware
/// as written there, unchanged) in front of the real provider's DPoP-bound tokens, and a client
/// signing proofs with `DPoPKey`. Each attack starts from a token the provider really issued.
@Suite("A Hummingbird API protected by TesseraHummingbird, with the provider's DPoP-bound tokens")
struct DPoPProtectedAPITests {
    static let messages = ProtectedAPI.publicURL("/messages")
    static let metadataURL = "https://api.example.com/.well-known/oauth-protected-resource/messages"
    static let algs = #"algs="ES256 EdDSA RS256""#

    /// What a test works with: the provider, the API in front of it, and a machine client's
    /// Messages token bound to `key` by the proof sent with its token request.
    struct Bound {
        let server: TestServer
        let api: ProtectedAPI
        let key: DPoPKey
        let token: String
        let machine: TestServer.RegisteredClient

        /// A proof of `key` for `method url` (the API's `/messages` by default) carrying `token`'s `ath`.
        func proof(by signer: DPoPKey? = nil, method: String = "GET", url: String = DPoPProtectedAPITests.messages,
                   ath token: String? = nil, issuedAt: Date = Date()) throws -> String {
            try (signer ?? key).proof(method: method, url: url, accessToken: Secret(token ?? self.token), issuedAt: issuedAt)
        }

        /// `GET /messages` with `Authorization: DPoP` and `proof`.
        func get(_ proof: String) async throws -> HTTPResult {
            try await api.get("/messages", dpopToken: token, proofs: [proof])
        }
    }

    /// Runs `body` with a bound token and the README's API (or one checking tokens with
    /// `verifier`); then no secret of the run may be in the logs.
    static func withBoundToken(_ engine: TestEngine, key: DPoPKey = DPoPKey.generate(.es256),
                               verifier: ((TestServer, TestServer.RegisteredClient) async throws -> any AccessTokenVerifier)? = nil,
                               _ body: (Bound) async throws -> Void) async throws {
        try await TestServer.with(engine) { server in
            let machine = try await ProtectedAPITests.machineClient(server)
            let response = try await server.dpopClientCredentials(machine, audience: ProtectedAPI.identifier, scope: "read:messages", key: key)
            #expect(response.json["token_type"] as? String == "DPoP", "\(response.status) \(response.body)")
            let token = try ProtectedAPITests.accessToken(response)
            let run: (ProtectedAPI) async throws -> Void = { api in
                try await body(Bound(server: server, api: api, key: key, token: token, machine: machine))
            }
            if let verifier {
                try await ProtectedAPI.with(verifier: try await verifier(server, machine), run)
            } else {
                try await ProtectedAPI.with(server, run)
            }
            server.ledger.expectNoneLogged()
        }
    }

    static func error(_ response: HTTPResult) -> String? {
        response.json["error"] as? String
    }

    @Test("RFC 9449 §7.1: the README's API accepts the provider's DPoP-bound token with a proof of its key (JWT validator), no token logged",
          arguments: TestEngine.all)
    func acceptedWithValidator(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            let response = try await bound.get(try bound.proof())
            #expect(response.status == 200, "\(response.status) \(response.header("WWW-Authenticate") ?? "") \(response.body)")
            #expect(response.body == "hello \(bound.machine.id)")
        }
    }

    @Test("RFC 9449 §6.2: an API that introspects reads cnf from the provider's answer and accepts the bound token with a proof of its key",
          arguments: TestEngine.all)
    func acceptedWithIntrospector(engine: TestEngine) async throws {
        let introspector: (TestServer, TestServer.RegisteredClient) async throws -> any AccessTokenVerifier = { server, machine in
            try await server.introspector(as: machine, audience: ProtectedAPI.identifier, cacheCapacity: 0)
        }
        try await Self.withBoundToken(engine, key: DPoPKey.generate(.edDSA), verifier: introspector) { bound in
            let response = try await bound.get(try bound.proof())
            #expect(response.status == 200, "\(response.status) \(response.header("WWW-Authenticate") ?? "") \(response.body)")
            #expect(response.body == "hello \(bound.machine.id)")
            let asBearer = try await bound.api.get("/messages", token: bound.token)
            #expect(asBearer.status == 401, "introspection's cnf binds the token as the JWT's does")
            #expect(asBearer.header("WWW-Authenticate")?.hasPrefix(#"Bearer error="invalid_token""#) == true)
        }
    }

    @Test("RFC 9449 §7.1 and RFC 9728 §5.1: without credentials the README's API challenges Bearer, then DPoP with algs, both naming its metadata",
          arguments: TestEngine.all)
    func challengesWithoutCredentials(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            let response = try await bound.api.get("/messages", token: nil)
            #expect(response.status == 401)
            #expect(response.headers["WWW-Authenticate"] == [#"Bearer resource_metadata="\#(Self.metadataURL)""#,
                                                             #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#])
            let document = try await send(.GET, bound.api.baseURL + "/.well-known/oauth-protected-resource/messages")
            #expect(document.json["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA", "RS256"])
        }
    }

    @Test("attack: a replayed DPoP proof at the API is invalid_dpop_proof, with the exact RFC 9449 §7.1 challenge", arguments: TestEngine.all)
    func replayedProof(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            let proof = try bound.proof()
            #expect(try await bound.get(proof).status == 200)
            let replayed = try await bound.get(proof)
            #expect(replayed.status == 401)
            #expect(replayed.headers["WWW-Authenticate"] == [
                #"DPoP error="invalid_dpop_proof", error_description="This DPoP proof was used before: sign a new proof, with a new jti, "#
                    + #"for every request.", \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#,
            ])
            #expect(Self.error(replayed) == "invalid_dpop_proof")
        }
    }

    @Test("attack: a DPoP proof for another method or URL at the API is refused (htm, htu; the socket's URL is not the API's)",
          arguments: TestEngine.all)
    func proofForAnotherRequest(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            let requests = [
                ("POST", Self.messages), ("GET", ProtectedAPI.publicURL("/messages/admin")), ("GET", bound.api.baseURL + "/messages"),
                ("GET", "https://api.example.net/messages"), ("GET", bound.server.baseURL + "/messages"),
            ]
            for (method, url) in requests {
                let response = try await bound.get(try bound.proof(method: method, url: url))
                #expect(response.status == 401, "\(method) \(url)")
                #expect(Self.error(response) == "invalid_dpop_proof", "\(method) \(url)")
                #expect(response.header("WWW-Authenticate")?.hasPrefix(#"DPoP error="invalid_dpop_proof""#) == true)
            }
            #expect(try await bound.get(try bound.proof()).status == 200)
        }
    }

    @Test("attack: a proof signed by another key than the token's cnf.jkt is refused at the API", arguments: TestEngine.all)
    func proofByAnotherKey(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            for thief in [DPoPKey.generate(.es256), DPoPKey.generate(.edDSA), DPoPKey.generate(.rs256)] {
                let response = try await bound.get(try bound.proof(by: thief))
                #expect(response.status == 401, "\(thief.algorithm)")
                #expect(Self.error(response) == "invalid_dpop_proof", "\(thief.algorithm)")
            }
        }
    }

    @Test("attack: a DPoP-bound token presented as Bearer at the API is 401 invalid_token, and the API says to use DPoP",
          arguments: TestEngine.all)
    func boundTokenAsBearer(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            let response = try await bound.api.get("/messages", token: bound.token)
            #expect(response.status == 401)
            let challenges = response.headers["WWW-Authenticate"]
            #expect(challenges.count == 2, "\(challenges)")
            #expect(challenges.first?.hasPrefix(#"Bearer error="invalid_token", error_description="The access token is bound to a DPoP key"#) == true,
                    "\(challenges)")
            #expect(challenges.last == #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#)
            #expect(Self.error(response) == "invalid_token")
        }
    }

    @Test("attack: a proof with a missing or wrong ath is refused at the API", arguments: TestEngine.all)
    func missingOrWrongAth(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            // Another token bound to the same key: a proof for it must not carry this one.
            let other = try ProtectedAPITests.accessToken(try await bound.server.dpopClientCredentials(
                bound.machine, audience: ProtectedAPI.identifier, scope: "read:messages", key: bound.key))
            let withoutAth = try bound.key.proof(method: "GET", url: Self.messages)
            for (name, proof) in [("no ath", withoutAth), ("another token's ath", try bound.proof(ath: other))] {
                let response = try await bound.get(proof)
                #expect(response.status == 401, "\(name)")
                #expect(Self.error(response) == "invalid_dpop_proof", "\(name)")
                #expect((response.json["error_description"] as? String)?.contains("ath") == true, "\(name): \(response.body)")
            }
        }
    }

    @Test("attack: a stale DPoP proof (old iat) is refused at the API; one issued within the window is accepted", arguments: TestEngine.all)
    func staleProof(engine: TestEngine) async throws {
        try await Self.withBoundToken(engine) { bound in
            for age in [-120.0, -3600, 600] {
                let response = try await bound.get(try bound.proof(issuedAt: Date().addingTimeInterval(age)))
                #expect(response.status == 401, "iat \(age) s from now")
                #expect(Self.error(response) == "invalid_dpop_proof", "iat \(age) s from now")
            }
            #expect(try await bound.get(try bound.proof(issuedAt: Date().addingTimeInterval(-20))).status == 200)
        }
    }
}

extension TestServer {
    /// `client_credentials` with a DPoP proof of `key` (RFC 9449 §5), so the token is bound to it.
    func dpopClientCredentials(_ client: RegisteredClient, audience: String, scope: String, key: DPoPKey) async throws -> HTTPResult {
        try await token([("grant_type", "client_credentials"), ("audience", audience), ("scope", scope)], client: client,
                        headers: [("DPoP", try tokenProof(key))])
    }
}
