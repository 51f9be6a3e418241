import Foundation
import Testing
import TesseraClient
import TesseraCore

/// The seed's own Python `exchange_code_for_tokens`, copied verbatim into Tests/seed, run as a
/// subprocess against the provider: the code of the article works against Tessera unchanged but
/// for the domain, and what it returns passes TesseraClient's id_token validation.
@Suite("The seed's Python client against the provider")
struct SeedPythonClientTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("seed/exchange_code_for_tokens.py")

    /// `python3 exchange_code_for_tokens.py CODE REDIRECT_URI` with the seed's environment variables.
    static func runSeed(code: Secret, server: TestServer, client: TestServer.RegisteredClient) async throws -> TesseraBinary.Output {
        try await TesseraBinary.run(
            ["python3", script.path, code.unredacted, TestServer.redirectURI],
            environment: [
                // The seed prefixes https://; the wrapper swaps the scheme for plain http (see the script).
                "AUTH0_DOMAIN": String(server.baseURL.dropFirst("http://".count)),
                "AUTH0_CLIENT_ID": client.id,
                "AUTH0_CLIENT_SECRET": client.secret?.unredacted ?? "",
                "TESSERA_SEED_SCHEME": "http",
            ],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test("exchange_code_for_tokens gets the seed's token dict, and its id_token passes TesseraClient's validation; a reused code makes it raise")
    func seedExchange() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let code = try await server.code(for: client)

            let run = try await Self.runSeed(code: code, server: server, client: client)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.stdout.contains("Token exchange successful"))
            #expect(run.stdout.contains("Access token expires in: 86400 seconds"))
            let lastLine = try #require(run.stdout.split(separator: "\n").last)
            let tokens = try #require(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any])
            #expect(Set(tokens.keys) == ["access_token", "id_token", "refresh_token", "expires_in", "token_type"])
            #expect(tokens["token_type"] as? String == "Bearer")
            #expect(tokens["expires_in"] as? Int == 86400)
            let accessToken = Secret(try #require(tokens["access_token"] as? String))
            let idToken = Secret(try #require(tokens["id_token"] as? String))
            [accessToken, idToken].forEach(server.ledger.record)
            server.ledger.record((tokens["refresh_token"] as? String).map(Secret.init))

            let oidc = try await server.oidcClient(for: client)
            let claims = try await oidc.validateIDToken(idToken, nonce: Secret("nonce-456"), accessToken: accessToken)
            #expect(claims.subject == user.id)
            #expect(try await oidc.userInfo(accessToken: accessToken, expectedSubject: user.id).email == "alice@example.com")

            // The seed's "Code Expiration Handling": the second use is invalid_grant, and its code raises.
            let replay = try await Self.runSeed(code: code, server: server, client: client)
            #expect(replay.status != 0)
            #expect(replay.stdout.contains("Token exchange failed"))
            #expect(replay.stdout.contains("invalid_grant"))
            #expect(replay.stderr.contains("Failed to exchange authorization code for tokens"))
            server.ledger.expectNoneLogged()
        }
    }
}
