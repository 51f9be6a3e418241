import Foundation
import Testing
import TesseraCore

/// RFC 9449 §5.1: the provider says, in its metadata, which algorithms it takes in DPoP proofs.
@Suite("RFC 9449 §5.1: DPoP in discovery")
struct DPoPDiscoveryTests {
    @Test("RFC 9449 §5.1: both discovery documents advertise dpop_signing_alg_values_supported — ES256, EdDSA, RS256 — and it decodes into ProviderMetadata",
          arguments: TestEngine.all)
    func advertisesAlgorithms(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
                let response = try await send(.GET, server.url(path))
                #expect(response.status == 200)
                #expect(response.json["dpop_signing_alg_values_supported"] as? [String] == ["ES256", "EdDSA", "RS256"], "\(path)")
                let metadata = try JSONDecoder().decode(ProviderMetadata.self, from: Data(response.body.utf8))
                #expect(metadata.dpopSigningAlgValuesSupported == DPoPAlgorithm.supportedNames)
            }
        }
    }

    @Test("RFC 9449 §5.1: a provider that narrows the proof algorithms advertises only those")
    func narrowedAlgorithms() async throws {
        try await TestServer.with(.sqlite, configure: { $0.dpop.proofPolicy.algorithms = [.es256] }) { server in
            let document = try await send(.GET, server.url("/.well-known/openid-configuration")).json
            #expect(document["dpop_signing_alg_values_supported"] as? [String] == ["ES256"])
        }
    }
}
