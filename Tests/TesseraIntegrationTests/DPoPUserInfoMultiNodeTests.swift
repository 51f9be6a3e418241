import Foundation
import Testing
import TesseraCore

/// RFC 9449 §11.1 at `/userinfo` behind a load balancer: two `tessera serve` nodes on one
/// PostgreSQL share the replay record, so a proof used at one node is refused at the other.
/// Skipped without `TESSERA_TEST_POSTGRES_URL`, like every PostgreSQL test.
@Suite("DPoP at /userinfo across nodes on one PostgreSQL", .serialized)
struct DPoPUserInfoMultiNodeTests {
    @Test("attack: a /userinfo DPoP proof replayed at another node is invalid_dpop_proof (two nodes, one PostgreSQL)")
    func replayAtAnotherNode() async throws {
        try await Cluster.withClient(nodes: 2) { cluster, client in
            let (a, b) = (cluster.node(0), cluster.node(1))
            let key = DPoPKey.generate(.es256)
            let tokens = try await a.exchange(try await a.code(for: client), client: client, dpop: try a.tokenProof(key, issuer: cluster.issuer))
            let token = try #require(tokens.json["access_token"] as? String, "\(tokens.body)")
            // The nodes run on the real clock; every node answers for the first node's URL.
            let proof = try key.proof(method: "GET", url: cluster.issuer + "/userinfo", accessToken: Secret(token))
            let headers = [("Authorization", "DPoP \(token)"), ("DPoP", proof)]
            let first = try await send(.GET, a.url("/userinfo"), headers: headers)
            #expect(first.status == 200, "\(first.body)")
            let replay = try await send(.GET, b.url("/userinfo"), headers: headers)
            replay.expectInvalidDPoPProof()
            #expect(replay.json["sub"] == nil)
            let fresh = try key.proof(method: "GET", url: cluster.issuer + "/userinfo", accessToken: Secret(token))
            #expect(try await send(.GET, b.url("/userinfo"), headers: [("Authorization", "DPoP \(token)"), ("DPoP", fresh)]).status == 200,
                    "refused for the proof alone: a fresh one works at the other node")
        }
    }
}
