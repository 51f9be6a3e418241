import Foundation
import Testing
import TesseraCore
import TesseraServer

/// RFC 9449 §10: authorization codes bound to a DPoP key by the authorization request's
/// `dpop_jkt`, or by a proof sent with a pushed request (§10.1), over a real socket on both engines.
@Suite("DPoP authorization code binding (RFC 9449 §10)")
struct DPoPCodeBindingTests {
    @Test("attack: a code requested with dpop_jkt, stolen and exchanged with another key or none, is invalid_dpop_proof and burnt",
          arguments: TestEngine.all)
    func boundCode(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let spa = try await server.addClient(isPublic: true)
            try await server.addUser()
            let key = DPoPKey.generate(.es256)
            /// A code of `spa` bound to `key`, and its PKCE verifier.
            func boundCode() async throws -> (Secret, Secret) {
                let pkce = PKCE()
                let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(
                    client: spa, pkce: pkce, extra: [("dpop_jkt", key.thumbprint)]))
                return (Secret(try #require(query["code"])), pkce.verifier)
            }

            let (stolen, stolenVerifier) = try await boundCode()
            let thief = try await server.exchange(stolen, client: spa, verifier: stolenVerifier,
                                                  dpop: try server.tokenProof(DPoPKey.generate(.es256)))
            TokenEndpointErrorTests.expectError(thief, "invalid_dpop_proof")
            // Like a wrong PKCE verifier, a failed attempt burns the code: its owner gets invalid_grant too.
            TokenEndpointErrorTests.expectError(try await server.exchange(stolen, client: spa, verifier: stolenVerifier,
                                                                          dpop: try server.tokenProof(key)), "invalid_grant")

            let (code, verifier) = try await boundCode()
            TokenEndpointErrorTests.expectError(try await server.exchange(code, client: spa, verifier: verifier), "invalid_dpop_proof")

            let (good, goodVerifier) = try await boundCode()
            let exchanged = try await server.exchange(good, client: spa, verifier: goodVerifier, dpop: try server.tokenProof(key))
            #expect(exchanged.status == 200)
            #expect(exchanged.json["token_type"] as? String == "DPoP")
        }
    }

    @Test("RFC 9449 §10: a dpop_jkt that is no SHA-256 JWK thumbprint is invalid_request, sent back to the client", arguments: TestEngine.all)
    func malformedThumbprint(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await Browser().get(server.authorizeURL(client: client, extra: [("dpop_jkt", "not-a-thumbprint")]))
            #expect(response.status == 302)
            #expect(response.locationQuery["error"] == "invalid_request")
            #expect(response.locationQuery["state"] == "state-123")
        }
    }

    @Test("RFC 9449 §10.1: a DPoP proof sent with a pushed request binds its code to the proof's key; a dpop_jkt of another key is invalid_dpop_proof",
          arguments: TestEngine.all)
    func pushedProofBindsCode(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let key = DPoPKey.generate(.es256)
            let parURL = server.url("/oauth/par")

            let mismatched = try await server.push(client: client, extra: [("dpop_jkt", DPoPKey.generate(.es256).thumbprint)],
                                                   headers: [("DPoP", try key.proof(method: "POST", url: parURL, issuedAt: server.now()))])
            TokenEndpointErrorTests.expectError(mismatched, "invalid_dpop_proof")

            /// A code pushed with a proof of `key` and no dpop_jkt, through the browser.
            func pushedCode() async throws -> Secret {
                let pushed = try await server.push(client: client, headers: [("DPoP", try key.proof(method: "POST", url: parURL, issuedAt: server.now()))])
                #expect(pushed.status == 201)
                let requestURI = try #require(pushed.json["request_uri"] as? String)
                server.ledger.record(Secret(requestURI))
                let callback = try await server.authorize(Browser(), authorizeURL: server.parAuthorizeURL(client: client, requestURI: requestURI))
                return Secret(try #require(callback["code"]))
            }
            TokenEndpointErrorTests.expectError(try await server.exchange(try await pushedCode(), client: client), "invalid_dpop_proof")
            let exchanged = try await server.exchange(try await pushedCode(), client: client, dpop: try server.tokenProof(key))
            #expect(exchanged.status == 200)
            #expect(exchanged.json["token_type"] as? String == "DPoP")
        }
    }
}
