import NIOHTTP1
import Testing
import TesseraCore

@Suite("/metrics")
struct MetricsTests {
    @Test("Prometheus text with requests per endpoint and outcome and tokens issued per grant — and no secret in any label", arguments: TestEngine.all)
    func metrics(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            #expect(try await server.exchange(code, client: client).status == 200)
            _ = try await server.exchange(code, client: client)
            _ = try await send(.GET, server.url("/no-such-path-\(code.unredacted)"))
            let response = try await send(.GET, server.url("/metrics"))
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
            let text = response.body
            #expect(text.contains(#"tessera_http_requests_total{endpoint="/oauth/token",method="POST",status="200"}"#))
            #expect(text.contains(#"tessera_http_requests_total{endpoint="/oauth/token",method="POST",status="400"}"#))
            #expect(text.contains(#"tessera_tokens_issued_total{grant_type="authorization_code"}"#))
            #expect(text.contains(#"tessera_token_errors_total{error="invalid_grant"}"#))
            #expect(text.contains("tessera_http_request_duration_seconds_bucket"))
            #expect(text.contains(#"endpoint="NotFound""#), "unmatched paths share one label")
            #expect(!text.contains("no-such-path"))
            #expect(server.ledger.all.allSatisfy { !text.contains($0) })
        }
    }
}
