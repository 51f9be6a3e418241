import Testing
import TesseraCore

@Suite("Single use under concurrency")
struct ConcurrencyTests {
    @Test("20 concurrent redemptions of one code: exactly one 200, the rest invalid_grant", arguments: TestEngine.all)
    func concurrentRedemptions(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            let statuses = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await server.exchange(code, client: client) }
                }
                var results: [HTTPResult] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(statuses.count == 20)
            #expect(statuses.filter { $0.status == 200 }.count == 1)
            #expect(statuses.filter { $0.status == 400 && $0.oauthError == "invalid_grant" }.count == 19)
        }
    }
}
