import Foundation
import Testing
import TesseraCore

/// DPoP at the token endpoint of several `tessera serve` nodes on one PostgreSQL database: the
/// replay record is shared (RFC 9449 §11.1), and so are the nonces (§8). Skipped without
/// `TESSERA_TEST_POSTGRES_URL`, like every PostgreSQL test.
@Suite("DPoP across nodes on one PostgreSQL", .serialized)
struct DPoPMultiNodeTests {
    @Test("attack: a DPoP proof replayed at another node is refused (two nodes, one PostgreSQL)")
    func replayAtAnotherNode() async throws {
        try await Cluster.withClient(nodes: 2) { cluster, client in
            let (a, b) = (cluster.node(0), cluster.node(1))
            let key = DPoPKey.generate(.es256)
            // Both codes first, so the proof is used well inside its iat window however slow the logins.
            let (codeAtA, code) = (try await a.code(for: client), try await b.code(for: client))
            let proof = try a.tokenProof(key, issuer: cluster.issuer)
            let first = try await a.exchange(codeAtA, client: client, dpop: proof)
            #expect(first.status == 200)
            #expect(first.json["token_type"] as? String == "DPoP")

            TokenEndpointErrorTests.expectError(try await b.exchange(code, client: client, dpop: proof), "invalid_dpop_proof")
            // Refused for the proof alone: the same code with a fresh proof of the same key is exchanged at B.
            let fresh = try await b.exchange(code, client: client, dpop: try b.tokenProof(key, issuer: cluster.issuer))
            #expect(fresh.status == 200)
            #expect(fresh.json["token_type"] as? String == "DPoP")
        }
    }

    @Test("RFC 9449 §8: `tessera serve --dpop-nonce` nodes sharing a master key hand out nonces each other accepts")
    func noncesAcrossNodes() async throws {
        try await Cluster.withClient(nodes: 2, arguments: ["--dpop-nonce"]) { cluster, client in
            let (a, b) = (cluster.node(0), cluster.node(1))
            let key = DPoPKey.generate(.es256)
            let refused = try await a.exchange(try await a.code(for: client), client: client, dpop: try a.tokenProof(key, issuer: cluster.issuer))
            TokenEndpointErrorTests.expectError(refused, "use_dpop_nonce")
            let nonce = try #require(refused.header("DPoP-Nonce"))

            let exchanged = try await b.exchange(try await b.code(for: client), client: client,
                                                 dpop: try b.tokenProof(key, issuer: cluster.issuer, nonce: nonce))
            #expect(exchanged.status == 200)
            #expect(exchanged.json["token_type"] as? String == "DPoP")
            #expect(exchanged.header("DPoP-Nonce") != nil, "a success carries the current nonce")
        }
    }
}
