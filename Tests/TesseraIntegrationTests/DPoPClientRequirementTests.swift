import Foundation
import Testing
import TesseraCore
import TesseraServer

/// RFC 9449 §5.2: a client that must use DPoP — `tessera clients add --require-dpop`, `clients
/// update --require-dpop`, or `dpop_bound_access_tokens` at dynamic registration (RFC 7591) —
/// stored, echoed, and enforced at the token endpoint.
@Suite("RFC 9449 §5.2: clients that must use DPoP")
struct DPoPClientRequirementTests {
    @Test("RFC 9449 §5.2: `tessera clients add --require-dpop` stores the requirement, `clients update --no-require-dpop` / `--require-dpop` change it; contradicting flags are one stderr line and write nothing",
          arguments: TestEngine.all)
    func commandLineFlags(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let environment = ["TESSERA_MASTER_KEY": Data(TestServer.masterKey).base64EncodedString()]
            func add(_ flags: [String]) async throws -> String {
                let output = try await TesseraBinary.run(["clients", "add", "--name", "App", "--redirect-uri", TestServer.redirectURI, "--json",
                                                          "--database", server.database.urlText] + flags, environment: environment)
                #expect(output.status == 0, "\(output.stderr)")
                return try TesseraBinary.registeredClient(from: output).id
            }
            func update(_ arguments: [String]) async throws -> TesseraBinary.Output {
                try await TesseraBinary.run(["clients", "update"] + arguments + ["--database", server.database.urlText], environment: environment)
            }
            func requires(_ id: String) async throws -> Bool? { try await server.provider.store.client(id: id)?.requiresDPoP }

            let strict = try await add(["--require-dpop"])
            let relaxed = try await add([])
            #expect(try await requires(strict) == true)
            #expect(try await requires(relaxed) == false, "without the flag a client may still get bearer tokens")

            let contradiction = try await update([relaxed, "--require-dpop", "--no-require-dpop"])
            #expect(contradiction.status != 0)
            #expect(contradiction.stderr.split(separator: "\n").count == 1, "\(contradiction.stderr)")
            #expect(contradiction.stdout.isEmpty)
            #expect(try await requires(relaxed) == false, "the refused command wrote nothing")

            let required = try await update([relaxed, "--require-dpop"])
            #expect(required.status == 0, "\(required.stderr)")
            #expect(required.stdout.contains("DPoP"))
            #expect(try await requires(relaxed) == true)
            let released = try await update([strict, "--no-require-dpop"])
            #expect(released.status == 0, "\(released.stderr)")
            #expect(try await requires(strict) == false)
            #expect(try await server.provider.store.client(id: strict)?.redirectURIs == [TestServer.redirectURI], "other settings are left as they were")
        }
    }

    @Test("RFC 9449 §5.2 / RFC 7591 §2: dpop_bound_access_tokens is stored and echoed at registration, read and update (RFC 7592); a non-boolean is invalid_client_metadata",
          arguments: TestEngine.all)
    func registrationMetadata(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let bound = try await server.register(["client_name": "Bound", "redirect_uris": [TestServer.redirectURI], "dpop_bound_access_tokens": true])
            #expect(bound.status == 201, "\(bound.body)")
            #expect(bound.json["dpop_bound_access_tokens"] as? Bool == true)
            let boundID = try #require(bound.json["client_id"] as? String)
            #expect(try await server.provider.store.client(id: boundID)?.requiresDPoP == true)

            let plain = try await server.registerClient()
            #expect(try await server.provider.store.client(id: plain.id)?.requiresDPoP == false, "RFC 9449 §5.2: the default is false")
            let read = try await server.manage(.GET, plain.registrationClientURI, token: plain.registrationAccessToken)
            #expect(read.status == 200, "\(read.body)")
            #expect(read.json["dpop_bound_access_tokens"] as? Bool == false)
            let next = Secret(try #require(read.json["registration_access_token"] as? String))
            server.ledger.record(next)

            let updated = try await server.manage(.PUT, plain.registrationClientURI, token: next, body: [
                "client_id": plain.id, "client_name": "Dynamic App", "redirect_uris": [TestServer.redirectURI], "dpop_bound_access_tokens": true,
            ])
            #expect(updated.status == 200, "\(updated.body)")
            #expect(updated.json["dpop_bound_access_tokens"] as? Bool == true)
            #expect(try await server.provider.store.client(id: plain.id)?.requiresDPoP == true)

            let before = try await server.clientCount()
            try await server.register(["redirect_uris": [TestServer.redirectURI], "dpop_bound_access_tokens": "yes"])
                .expectRegistrationError("invalid_client_metadata")
            #expect(try await server.clientCount() == before)
        }
    }

    @Test("RFC 9449 §5.2: a require-dpop client's token request without a proof is 400 invalid_dpop_proof and spends neither code nor refresh token; with a proof it gets DPoP tokens",
          arguments: TestEngine.all)
    func requirementEnforced(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            var registration = ClientRegistration(name: "Must DPoP", redirectURIs: [TestServer.redirectURI])
            registration.requiresDPoP = true
            let registered = try await server.provider.administration.addClient(registration)
            let client = TestServer.RegisteredClient(id: registered.client.id, secret: registered.secret)
            if let secret = registered.secret { server.ledger.record(secret) }
            try await server.addUser()
            let key = DPoPKey.generate(.es256)

            let code = try await server.code(for: client)
            let refused = try await server.exchange(code, client: client)
            TokenEndpointErrorTests.expectError(refused, "invalid_dpop_proof")
            #expect((refused.json["error_description"] as? String)?.contains("RFC 9449 §5.2") == true, "\(refused.body)")
            #expect(refused.json["access_token"] == nil)

            let granted = try await server.exchange(code, client: client, dpop: try server.tokenProof(key))
            #expect(granted.status == 200, "the refused request did not spend the code: \(granted.body)")
            #expect(granted.json["token_type"] as? String == "DPoP")
            let refreshToken = try #require(granted.json["refresh_token"] as? String)

            TokenEndpointErrorTests.expectError(try await server.refresh(refreshToken, client: client), "invalid_dpop_proof")
            let refreshed = try await server.refresh(refreshToken, client: client, dpop: try server.tokenProof(key))
            #expect(refreshed.status == 200, "the refused refresh did not rotate the token: \(refreshed.body)")
            #expect(refreshed.json["token_type"] as? String == "DPoP")

            let ordinary = try await server.addClient()
            let bearer = try await server.exchange(try await server.code(for: ordinary), client: ordinary)
            #expect(bearer.status == 200, "a client without the requirement still gets Bearer tokens")
            #expect(bearer.json["token_type"] as? String == "Bearer")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §5.2: a client registered with dpop_bound_access_tokens: true gets no token without a proof")
    func registeredRequirementEnforced() async throws {
        try await TestServer.registering(.sqlite) { server in
            let client = try await server.registerClient(["dpop_bound_access_tokens": true]).registered
            try await server.addUser()
            let code = try await server.code(for: client)
            TokenEndpointErrorTests.expectError(try await server.exchange(code, client: client), "invalid_dpop_proof")
            let granted = try await server.exchange(code, client: client, dpop: try server.tokenProof(DPoPKey.generate(.edDSA)))
            #expect(granted.status == 200, "\(granted.body)")
            #expect(granted.json["token_type"] as? String == "DPoP")
        }
    }
}
