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
}
