import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import TesseraClient
import TesseraCore
import TesseraHummingbird

/// BearerTokenMiddleware's DPoP side (RFC 9449 §7) on a real socket, with a verifier double: how
/// it reads `Authorization: DPoP` and the `DPoP` header, what it checks of the proof, and the
/// exact challenges it answers. The chain with the real provider's bound tokens is
/// DPoPProtectedAPITests.
@Suite("BearerTokenMiddleware with DPoP-bound tokens")
struct DPoPMiddlewareTests {
    static let metadata = ProtectedResourceMetadata(resource: "https://api.example/", authorizationServers: ["https://login.example"],
                                                    scopesSupported: ["read:messages", "write:messages"])
    static let metadataURL = "https://api.example/.well-known/oauth-protected-resource"
    /// The URL a client of the API signs: the resource's origin and the path, never the socket's address.
    static let messagesURL = "https://api.example/messages"
    static let algs = #"algs="ES256 EdDSA RS256""#

    /// The client's key, which `bound`'s cnf.jkt names.
    let key: DPoPKey
    let verifier: Verifier

    init() {
        key = DPoPKey.generate(.es256)
        verifier = Verifier(thumbprint: key.thumbprint)
    }

    /// The tokens the verifier was asked about, to show a refused request never reached it.
    actor Calls {
        var tokens: [String] = []
        func record(_ token: String) { tokens.append(token) }
    }

    /// Knows `bound` (bound to the test's key, scope `read:messages`) and `bearer` (bound to no
    /// key); every other token has a bad signature.
    struct Verifier: AccessTokenVerifier {
        let thumbprint: String
        let calls = Calls()

        func verify(_ token: Secret) async throws(ClientError) -> VerifiedAccessToken {
            await calls.record(token.unredacted)
            switch token.unredacted {
            case "bound", "bearer":
                return VerifiedAccessToken(subject: "user-1", clientID: "app", scopes: "read:messages", audience: ["https://api.example/"],
                                           expiresAt: nil, claims: [:], boundKeyThumbprint: token.unredacted == "bound" ? thumbprint : nil)
            default: throw ClientError(.invalidSignature, "The access token's signature does not verify.")
            }
        }
    }

    /// `GET|POST /messages` answering with the proof's key thumbprint (or `bearer`), `GET /admin`
    /// needing `write:messages`.
    static func app(_ verifier: Verifier, metadata: ProtectedResourceMetadata = metadata,
                    dpop: DPoPVerification = DPoPVerification()) -> some ApplicationProtocol {
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.add(middleware: BearerTokenMiddleware(verifier: verifier, metadata: metadata, dpop: dpop))
        router.addProtectedResourceMetadata(metadata)
        router.get("/messages") { _, context in context.dpopKeyThumbprint ?? "bearer" }
        router.post("/messages") { _, context in context.dpopKeyThumbprint ?? "bearer" }
        router.group("/admin").add(middleware: RequireScopes("write:messages", metadata: metadata)).get { _, _ in "admin" }
        return Application(router: router)
    }

    /// `Authorization: DPoP <token>` and one `DPoP` header per proof.
    static func headers(token: String = "bound", proofs: [String]) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "DPoP \(token)"]
        for proof in proofs { headers.append(HTTPField(name: HTTPField.Name("DPoP")!, value: proof)) }
        return headers
    }

    func proof(method: String = "GET", url: String = messagesURL, token: String? = "bound", issuedAt: Date = Date()) throws -> String {
        try key.proof(method: method, url: url, accessToken: token.map(Secret.init), issuedAt: issuedAt)
    }

    static func json(_ response: TestResponse) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: String] ?? [:]
    }

    static func challenges(_ response: TestResponse) -> [String] {
        response.headers[values: .wwwAuthenticate]
    }

    @Test("RFC 9449 §7.1: a bound token with a proof of its key for this method and URL reaches the route, which reads the key's thumbprint")
    func acceptedProof() async throws {
        try await Self.app(verifier).test(.live) { client in
            let get = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof()]))
            #expect(get.status == .ok, "\(Self.json(get))")
            #expect(String(buffer: get.body) == key.thumbprint)
            let post = try await client.execute(uri: "/messages?page=2", method: .post,
                                                headers: Self.headers(proofs: [try proof(method: "POST")]))
            #expect(post.status == .ok, "htu leaves the query out (RFC 9449 §4.3): \(Self.json(post))")
            for scheme in ["dpop", "DPOP"] {
                let response = try await client.execute(uri: "/messages", method: .get,
                                                        headers: [.authorization: "\(scheme) bound", HTTPField.Name("DPoP")!: try proof()])
                #expect(response.status == .ok, "the scheme is case-insensitive: \(scheme)")
            }
        }
    }

    @Test("RFC 9449 §7.1 and RFC 6750 §3: no credentials is 401 with a Bearer and a DPoP challenge, each naming resource_metadata, no error code")
    func bothChallenges() async throws {
        try await Self.app(verifier).test(.live) { client in
            for headers: HTTPFields in [[:], [.authorization: "Basic dXNlcjpwYXNz"]] {
                let response = try await client.execute(uri: "/messages", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(Self.challenges(response) == [#"Bearer resource_metadata="\#(Self.metadataURL)""#,
                                                      #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#])
                #expect(Self.json(response)["error"] == nil)
            }
        }
        #expect(await verifier.calls.tokens.isEmpty)
    }

    @Test("attack: a DPoP-bound token presented as Bearer is 401 invalid_token, challenging DPoP: stealing the token is not enough")
    func boundTokenAsBearer() async throws {
        try await Self.app(verifier).test(.live) { client in
            for headers: HTTPFields in [[.authorization: "Bearer bound"], [.authorization: "Bearer bound", HTTPField.Name("DPoP")!: try proof()]] {
                let response = try await client.execute(uri: "/messages", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                let challenges = Self.challenges(response)
                #expect(challenges.count == 2)
                #expect(challenges.first?.hasPrefix(#"Bearer error="invalid_token", error_description="The access token is bound to a DPoP key"#) == true,
                        "\(challenges)")
                #expect(challenges.last == #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#)
                #expect(Self.json(response)["error"] == "invalid_token")
            }
            let bearer = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Bearer bearer"])
            #expect(bearer.status == .ok)
            #expect(String(buffer: bearer.body) == "bearer")
        }
    }

    @Test("RFC 9449 §7.1: a token bound to no key in the DPoP scheme is 401 DPoP invalid_token, even with a good proof")
    func unboundTokenAsDPoP() async throws {
        try await Self.app(verifier).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get,
                                                    headers: Self.headers(token: "bearer", proofs: [try proof(token: "bearer")]))
            #expect(response.status == .unauthorized)
            #expect(Self.challenges(response) == [#"DPoP error="invalid_token", error_description="The access token is not bound to a DPoP key: "#
                + #"send it as Authorization: Bearer (RFC 9449 section 7.1).", \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#])
        }
    }

    @Test("RFC 9449 §7.1: a bad proof's WWW-Authenticate is exactly DPoP error, error_description, algs, resource_metadata")
    func invalidProofChallenge() async throws {
        try await Self.app(verifier).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: []))
            #expect(response.status == .unauthorized)
            #expect(Self.challenges(response) == [#"DPoP error="invalid_dpop_proof", error_description="An Authorization: DPoP token needs "#
                + #"a DPoP header with a proof signed by its key (RFC 9449 section 7.1).", \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#])
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(Self.json(response)["error"] == "invalid_dpop_proof")
        }
        #expect(await verifier.calls.tokens.isEmpty, "no proof: the token is not even looked at")
    }

    @Test("RFC 9449 §4.3: two DPoP headers are invalid_dpop_proof, even when both are good proofs")
    func twoProofs() async throws {
        try await Self.app(verifier).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof(), try proof()]))
            #expect(response.status == .unauthorized)
            #expect(Self.json(response)["error"] == "invalid_dpop_proof")
            #expect(Self.json(response)["error_description"]?.contains("more than one DPoP header") == true)
        }
    }

    @Test("attack: a replayed DPoP proof is invalid_dpop_proof; a new proof for the same request is accepted")
    func replayedProof() async throws {
        try await Self.app(verifier).test(.live) { client in
            let proof = try proof()
            let first = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [proof]))
            #expect(first.status == .ok)
            let replayed = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [proof]))
            #expect(replayed.status == .unauthorized)
            #expect(Self.json(replayed)["error"] == "invalid_dpop_proof")
            #expect(Self.json(replayed)["error_description"]?.contains("used before") == true)
            let fresh = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try self.proof()]))
            #expect(fresh.status == .ok)
        }
    }

    @Test("attack: a proof for the URL the socket was reached at (the Host header's) rather than the API's public URL is refused")
    func proofForHostHeader() async throws {
        try await Self.app(verifier).test(.live) { client in
            let port = try #require(client.port)
            for url in ["http://127.0.0.1:\(port)/messages", "http://localhost:\(port)/messages", "https://evil.example/messages"] {
                let response = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof(url: url)]))
                #expect(response.status == .unauthorized, "\(url)")
                #expect(Self.json(response)["error"] == "invalid_dpop_proof", "\(url)")
            }
        }
    }

    @Test("a publicBaseURL with a path prefix (an API behind a proxy that strips it) is what htu must name")
    func publicBaseURLWithPrefix() async throws {
        let dpop = DPoPVerification(publicBaseURL: "https://gateway.example/api/")
        try await Self.app(verifier, dpop: dpop).test(.live) { client in
            let good = try await client.execute(uri: "/messages", method: .get,
                                                headers: Self.headers(proofs: [try proof(url: "https://gateway.example/api/messages")]))
            #expect(good.status == .ok, "\(Self.json(good))")
            let resourceOrigin = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof()]))
            #expect(resourceOrigin.status == .unauthorized)
        }
    }

    @Test("RFC 9449 §7.1: insufficient_scope for a DPoP request is a DPoP challenge with algs")
    func insufficientScope() async throws {
        try await Self.app(verifier).test(.live) { client in
            let response = try await client.execute(uri: "/admin", method: .get,
                                                    headers: Self.headers(proofs: [try proof(url: "https://api.example/admin")]))
            #expect(response.status == .forbidden)
            #expect(Self.challenges(response) == [#"DPoP error="insufficient_scope", scope="write:messages", "#
                + #"error_description="The access token lacks a permission this request needs: write:messages.", "#
                + #"\#(Self.algs), resource_metadata="\#(Self.metadataURL)""#])
        }
    }

    @Test("RFC 9728 §2: dpop_bound_access_tokens_required is published and makes the middleware refuse bearer tokens; DPoP still works")
    func dpopRequired() async throws {
        var metadata = Self.metadata
        metadata.dpopBoundAccessTokensRequired = true
        try await Self.app(verifier, metadata: metadata).test(.live) { client in
            let bearer = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Bearer bearer"])
            #expect(bearer.status == .unauthorized)
            #expect(Self.challenges(bearer).first?.hasPrefix(#"Bearer error="invalid_token", error_description="This API accepts only DPoP-bound"#) == true)
            #expect(Self.challenges(bearer).last == #"DPoP \#(Self.algs), resource_metadata="\#(Self.metadataURL)""#)
            let dpop = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof()]))
            #expect(dpop.status == .ok)
            let document = try await client.execute(uri: "/.well-known/oauth-protected-resource", method: .get)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: document.body)) as? [String: Any])
            #expect(object["dpop_bound_access_tokens_required"] as? Bool == true)
            #expect(object["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA", "RS256"])
        }
    }

    @Test("RFC 9728 §2: the algorithms the metadata lists are the only ones accepted, and the ones named in algs")
    func algorithmsFromMetadata() async throws {
        var metadata = Self.metadata
        metadata.dpopSigningAlgValuesSupported = ["EdDSA"]
        try await Self.app(verifier, metadata: metadata).test(.live) { client in
            let refused = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof()]))
            #expect(refused.status == .unauthorized)
            #expect(Self.challenges(refused).first?.contains(#"algs="EdDSA""#) == true)
            #expect(Self.json(refused)["error"] == "invalid_dpop_proof", "an ES256 proof where only EdDSA is accepted")
        }
    }

    @Test("an API whose metadata lists no DPoP algorithm reads bearer tokens only: the DPoP scheme is answered like no credentials")
    func dpopOff() async throws {
        var metadata = Self.metadata
        metadata.dpopSigningAlgValuesSupported = nil
        try await Self.app(verifier, metadata: metadata).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof()]))
            #expect(response.status == .unauthorized)
            #expect(Self.challenges(response) == [#"Bearer resource_metadata="\#(Self.metadataURL)""#])
            let bound = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Bearer bound"])
            #expect(bound.status == .unauthorized, "a bound token is still no bearer token")
        }
    }

    /// A replay guard whose store is down.
    struct UnreachableGuard: DPoPReplayGuard {
        struct Down: Error {}
        func firstUse(of proof: DPoPProof, keptUntil: Date) async throws -> Bool { throw Down() }
    }

    @Test("a shared replay store that cannot answer is 503 with no challenge: the client is not at fault, and no proof is let through unchecked")
    func replayGuardUnavailable() async throws {
        try await Self.app(verifier, dpop: DPoPVerification(replayGuard: UnreachableGuard())).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [try proof()]))
            #expect(response.status == .serviceUnavailable)
            #expect(Self.challenges(response).isEmpty)
        }
    }

    @Test("attack: a stale proof, one without ath, and one signed by another key are each invalid_dpop_proof")
    func proofChecks() async throws {
        let other = DPoPKey.generate(.edDSA)
        try await Self.app(verifier).test(.live) { client in
            let cases: [(String, String)] = [
                ("stale", try proof(issuedAt: Date().addingTimeInterval(-600))),
                ("no ath", try proof(token: nil)),
                ("ath of another token", try proof(token: "bearer")),
                ("another key", try other.proof(method: "GET", url: Self.messagesURL, accessToken: Secret("bound"))),
                ("another method", try proof(method: "DELETE")),
                ("not a JWT", "not-a-proof"),
            ]
            for (name, proof) in cases {
                let response = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [proof]))
                #expect(response.status == .unauthorized, "\(name)")
                #expect(Self.json(response)["error"] == "invalid_dpop_proof", "\(name)")
                #expect(Self.challenges(response).first?.hasPrefix(#"DPoP error="invalid_dpop_proof""#) == true, "\(name)")
            }
        }
    }

    @Test("a malformed Authorization: DPoP header is 400 invalid_request in the DPoP scheme")
    func malformedDPoPHeader() async throws {
        try await Self.app(verifier).test(.live) { client in
            for header in ["DPoP", "DPoP two words"] {
                let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: header])
                #expect(response.status == .badRequest, "\(header)")
                #expect(Self.challenges(response).first?.hasPrefix(#"DPoP error="invalid_request""#) == true, "\(header)")
            }
        }
    }

    @Test("RFC 9449 §9: an API requiring nonces answers a proof without one, or with a foreign one, use_dpop_nonce and a DPoP-Nonce; the retry with it passes")
    func nonces() async throws {
        let nonces = DPoPNonceSource(key: SymmetricKey(size: .bits256))
        let foreign = DPoPNonceSource(key: SymmetricKey(size: .bits256)).current(at: Date())
        try await Self.app(verifier, dpop: DPoPVerification(nonces: nonces)).test(.live) { client in
            var nonce: String?
            for sent in [nil, foreign] as [String?] {
                let proof = try key.proof(method: "GET", url: Self.messagesURL, accessToken: Secret("bound"), nonce: sent)
                let refused = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [proof]))
                #expect(refused.status == .unauthorized)
                #expect(Self.challenges(refused).first?.hasPrefix(#"DPoP error="use_dpop_nonce", error_description="#) == true,
                        "\(Self.challenges(refused))")
                #expect(Self.json(refused)["error"] == "use_dpop_nonce")
                nonce = refused.headers[HTTPField.Name("DPoP-Nonce")!]
                #expect(nonce.map { nonces.accepts($0, at: Date()) } == true)
            }
            let retry = try key.proof(method: "GET", url: Self.messagesURL, accessToken: Secret("bound"), nonce: try #require(nonce))
            let accepted = try await client.execute(uri: "/messages", method: .get, headers: Self.headers(proofs: [retry]))
            #expect(accepted.status == .ok, "\(Self.json(accepted))")
        }
    }
}
