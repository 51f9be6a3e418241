import Logging
import Testing
import TesseraCore

@Suite("Nothing secret reaches a log")
struct LogScanTests {
    @Test("the scan finds a secret that was logged (so a clean scan means something)")
    func scannerFindsPlantedSecret() {
        LogCapture.installed
        let planted = Secret.random().unredacted
        Logger(label: "tessera.test.plant").debug("planted \(planted)")
        #expect(LogCapture.leaked([planted]) == [planted])
    }

    @Test("a full run with errors, at trace level: no client secret, password, code or token in any line", arguments: TestEngine.all)
    func everythingUsedIsAbsent(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client, pkce: nil)
            let tokens = try await server.exchange(code, client: client)
            _ = try await server.exchange(code, client: client)
            _ = try await server.refresh(try #require(tokens.json["refresh_token"] as? String), client: client)
            _ = try await server.token([("grant_type", "authorization_code"), ("code", code.unredacted)],
                                       client: .init(id: client.id, secret: Secret("wrong-\(client.secret!.unredacted)")))
            _ = try await server.userInfo(try #require(tokens.json["access_token"] as? String))
            _ = try await send(.GET, server.url("/oauth/token?client_secret=\(client.secret!.unredacted)&code=\(code.unredacted)"))
            _ = try await send(.POST, server.url("/oauth/token?code=\(code.unredacted)"))
            server.ledger.expectNoneLogged()
            #expect(LogCapture.text.contains("/oauth/token"), "the request log was captured")
        }
    }
}
