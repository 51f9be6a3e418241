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

    /// A machine client's access token for the Messages API, bound to `key` by the proof sent
    /// with the token request.
    static func boundToken(_ server: TestServer, key: DPoPKey) async throws -> (token: String, client: TestServer.RegisteredClient) {
        let machine = try await ProtectedAPITests.machineClient(server)
        let response = try await server.dpopClientCredentials(machine, audience: ProtectedAPI.identifier, scope: "read:messages", key: key)
        #expect(response.json["token_type"] as? String == "DPoP", "\(response.status) \(response.body)")
        return (try ProtectedAPITests.accessToken(response), machine)
    }

    static func error(_ response: HTTPResult) -> (code: String?, description: String?) {
        (response.json["error"] as? String, response.json["error_description"] as? String)
    }

    @Test("RFC 9449 §7.1: the README's API accepts the provider's DPoP-bound token with a proof of its key (JWT validator), no token logged",
          arguments: TestEngine.all)
    func acceptedWithValidator(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, machine) = try await Self.boundToken(server, key: key)
            try await ProtectedAPI.with(server) { api in
                let proof = try key.proof(method: "GET", url: Self.messages, accessToken: Secret(token))
                let response = try await api.get("/messages", dpopToken: token, proofs: [proof])
                #expect(response.status == 200, "\(response.status) \(response.header("WWW-Authenticate") ?? "") \(response.body)")
                #expect(response.body == "hello \(machine.id)")
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §6.2: an API that introspects reads cnf from the provider's answer and accepts the bound token with a proof of its key",
          arguments: TestEngine.all)
    func acceptedWithIntrospector(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.edDSA)
            let (token, machine) = try await Self.boundToken(server, key: key)
            let introspector = try await server.introspector(as: machine, audience: ProtectedAPI.identifier, cacheCapacity: 0)
            try await ProtectedAPI.with(verifier: introspector) { api in
                let proof = try key.proof(method: "GET", url: Self.messages, accessToken: Secret(token))
                let response = try await api.get("/messages", dpopToken: token, proofs: [proof])
                #expect(response.status == 200, "\(response.status) \(response.header("WWW-Authenticate") ?? "") \(response.body)")
                #expect(response.body == "hello \(machine.id)")
                let asBearer = try await api.get("/messages", token: token)
                #expect(asBearer.status == 401, "introspection's cnf binds the token as the JWT's does")
                #expect(asBearer.header("WWW-Authenticate")?.hasPrefix(#"Bearer error="invalid_token""#) == true)
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §7.1 and RFC 9728 §5.1: without credentials the README's API challenges Bearer, then DPoP with algs, both naming its metadata",
          arguments: TestEngine.all)
    func challengesWithoutCredentials(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            try await ProtectedAPI.with(server) { api in
                let response = try await api.get("/messages", token: nil)
                #expect(response.status == 401)
                #expect(response.headers["WWW-Authenticate"] == [#"Bearer resource_metadata="\#(Self.metadataURL)""#,
                                                                 #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#])
                let document = try await send(.GET, api.baseURL + "/.well-known/oauth-protected-resource/messages")
                #expect(document.json["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA", "RS256"])
            }
        }
    }

    @Test("attack: a replayed DPoP proof at the API is invalid_dpop_proof, with the exact RFC 9449 §7.1 challenge", arguments: TestEngine.all)
    func replayedProof(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, _) = try await Self.boundToken(server, key: key)
            try await ProtectedAPI.with(server) { api in
                let proof = try key.proof(method: "GET", url: Self.messages, accessToken: Secret(token))
                #expect(try await api.get("/messages", dpopToken: token, proofs: [proof]).status == 200)
                let replayed = try await api.get("/messages", dpopToken: token, proofs: [proof])
                #expect(replayed.status == 401)
                #expect(replayed.headers["WWW-Authenticate"] == [
                    #"DPoP error="invalid_dpop_proof", error_description="The DPoP proof was used before; sign a new proof for each request "#
                        + #"(RFC 9449 section 11.1).", \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#,
                ])
                #expect(Self.error(replayed).code == "invalid_dpop_proof")
            }
        }
    }

    @Test("attack: a DPoP proof for another method or URL at the API is refused (htm, htu; the socket's URL is not the API's)",
          arguments: TestEngine.all)
    func proofForAnotherRequest(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, _) = try await Self.boundToken(server, key: key)
            try await ProtectedAPI.with(server) { api in
                let proofs = [
                    ("POST", Self.messages), ("GET", ProtectedAPI.publicURL("/messages/admin")), ("GET", api.baseURL + "/messages"),
                    ("GET", "https://api.example.net/messages"), ("GET", server.baseURL + "/messages"),
                ]
                for (method, url) in proofs {
                    let proof = try key.proof(method: method, url: url, accessToken: Secret(token))
                    let response = try await api.get("/messages", dpopToken: token, proofs: [proof])
                    #expect(response.status == 401, "\(method) \(url)")
                    #expect(Self.error(response).code == "invalid_dpop_proof", "\(method) \(url)")
                    #expect(response.header("WWW-Authenticate")?.hasPrefix(#"DPoP error="invalid_dpop_proof""#) == true)
                }
                let good = try key.proof(method: "GET", url: Self.messages, accessToken: Secret(token))
                #expect(try await api.get("/messages", dpopToken: token, proofs: [good]).status == 200)
            }
        }
    }

    @Test("attack: a proof signed by another key than the token's cnf.jkt is refused at the API", arguments: TestEngine.all)
    func proofByAnotherKey(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, _) = try await Self.boundToken(server, key: key)
            try await ProtectedAPI.with(server) { api in
                for thief in [DPoPKey.generate(.es256), DPoPKey.generate(.edDSA), DPoPKey.generate(.rs256)] {
                    let proof = try thief.proof(method: "GET", url: Self.messages, accessToken: Secret(token))
                    let response = try await api.get("/messages", dpopToken: token, proofs: [proof])
                    #expect(response.status == 401, "\(thief.algorithm)")
                    #expect(Self.error(response).code == "invalid_dpop_proof", "\(thief.algorithm)")
                }
            }
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: a DPoP-bound token presented as Bearer at the API is 401 invalid_token, and the API says to use DPoP",
          arguments: TestEngine.all)
    func boundTokenAsBearer(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, _) = try await Self.boundToken(server, key: key)
            try await ProtectedAPI.with(server) { api in
                let response = try await api.get("/messages", token: token)
                #expect(response.status == 401)
                let challenges = response.headers["WWW-Authenticate"]
                #expect(challenges.count == 2, "\(challenges)")
                #expect(challenges.first?.hasPrefix(#"Bearer error="invalid_token", error_description="The access token is bound to a DPoP key"#) == true,
                        "\(challenges)")
                #expect(challenges.last == #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#)
                #expect(Self.error(response).code == "invalid_token")
            }
        }
    }

    @Test("attack: a proof with a missing or wrong ath is refused at the API", arguments: TestEngine.all)
    func missingOrWrongAth(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, machine) = try await Self.boundToken(server, key: key)
            // Another token bound to the same key: a proof for it must not carry this one.
            let other = try ProtectedAPITests.accessToken(try await server.dpopClientCredentials(
                machine, audience: ProtectedAPI.identifier, scope: "read:messages", key: key))
            try await ProtectedAPI.with(server) { api in
                for (name, accessToken) in [("no ath", nil), ("another token's ath", Secret(other))] as [(String, Secret?)] {
                    let proof = try key.proof(method: "GET", url: Self.messages, accessToken: accessToken)
                    let response = try await api.get("/messages", dpopToken: token, proofs: [proof])
                    #expect(response.status == 401, "\(name)")
                    #expect(Self.error(response).code == "invalid_dpop_proof", "\(name)")
                    #expect(Self.error(response).description?.contains("ath") == true, "\(name): \(Self.error(response))")
                }
            }
        }
    }

    @Test("attack: a stale DPoP proof (old iat) is refused at the API; one issued within the window is accepted", arguments: TestEngine.all)
    func staleProof(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let key = DPoPKey.generate(.es256)
            let (token, _) = try await Self.boundToken(server, key: key)
            try await ProtectedAPI.with(server) { api in
                for age in [-120.0, -3600, 600] {
                    let proof = try key.proof(method: "GET", url: Self.messages, accessToken: Secret(token), issuedAt: Date().addingTimeInterval(age))
                    let response = try await api.get("/messages", dpopToken: token, proofs: [proof])
                    #expect(response.status == 401, "iat \(age) s from now")
                    #expect(Self.error(response).code == "invalid_dpop_proof", "iat \(age) s from now")
                }
                let recent = try key.proof(method: "GET", url: Self.messages, accessToken: Secret(token), issuedAt: Date().addingTimeInterval(-20))
                #expect(try await api.get("/messages", dpopToken: token, proofs: [recent]).status == 200)
            }
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
