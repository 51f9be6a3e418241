import Foundation
import Testing
import TesseraCore
import TesseraServer

/// `tessera registration token create` and `tessera serve --registration`, as an operator runs them.
@Suite("tessera registration token create and serve --registration")
struct RegistrationCommandTests {
    @Test("RFC 7591 §3: registration token create --json prints a token once, stored only hashed; serve --registration token takes it for one registration",
          arguments: TestEngine.all)
    func tokenCreateAndServe(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in try await withTemporaryDirectory { directory in
            let environment = ["TESSERA_MASTER_KEY": Data(TestServer.masterKey).base64EncodedString()]
            let created = try await TesseraBinary.run(["registration", "token", "create", "--uses", "1", "--expires-in", "600", "--json",
                                                       "--database", database.urlText], environment: environment, directory: directory)
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.split(separator: "\n").count == 1, "one line of JSON")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
            let token = Secret(try #require(object["initial_access_token"] as? String))
            #expect(object["uses"] as? Int == 1)
            #expect((object["expires_at"] as? Int ?? 0) > Int(Date().timeIntervalSince1970))

            let text = try await TesseraBinary.run(["registration", "token", "create", "--database", database.urlText],
                                                   environment: environment, directory: directory)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("initial_access_token: ") && text.stdout.contains("shown once"))

            let server = try await ServeProcess(arguments: ["--registration", "token", "--database", database.urlText],
                                                environment: environment, directory: directory)
            let discovery = try await send(.GET, server.baseURL + "/.well-known/openid-configuration")
            #expect(discovery.json["registration_endpoint"] as? String == server.baseURL + "/oauth/register")
            let metadata = ["client_name": "CLI App", "redirect_uris": [TestServer.redirectURI]] as [String: Any]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: metadata), as: UTF8.self)
            let headers = [("Content-Type", "application/json"), ("Authorization", "Bearer \(token.unredacted)")]
            let first = try await send(.POST, server.baseURL + "/oauth/register", headers: headers, body: body)
            #expect(first.status == 201, "\(first.body)")
            let second = try await send(.POST, server.baseURL + "/oauth/register", headers: headers, body: body)
            second.expectInvalidToken()
            await server.terminate()

            let secrets = [token.unredacted] + ["client_secret", "registration_access_token"].compactMap { first.json[$0] as? String }
            #expect(!server.text.contains(token.unredacted), "the initial access token never reaches the log")
            for secret in secrets { #expect(!server.text.contains(secret), "a registration secret reached the log") }
            if engine == .sqlite {
                // The database file with its WAL: no secret of the registration in clear.
                let folder = URL(fileURLWithPath: String(database.urlText.dropFirst("sqlite://".count))).deletingLastPathComponent()
                let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                    .compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) }
                #expect(!files.isEmpty)
                for secret in secrets {
                    #expect(!files.contains { $0.range(of: Data(secret.utf8)) != nil }, "a registration secret is stored in clear")
                }
            }
        } }
    }

    @Test("registration token create with a bad --uses or --expires-in, or serve with a bad --registration or --registrations-per-minute: one stderr line, non-zero exit")
    func badInput() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            for arguments in [["--uses", "0"], ["--uses", "many"], ["--expires-in", "0"], ["--expires-in", "99999999999"]] {
                let output = try await TesseraBinary.run(["registration", "token", "create"] + arguments + ["--database", database])
                output.expectRefusal("token create \(arguments)")
            }
            for arguments in [["--registration", "sometimes"], ["--registration", "open", "--registrations-per-minute", "0"]] {
                let serve = try await TesseraBinary.run(["serve"] + arguments + ["--database", database])
                serve.expectRefusal("serve \(arguments)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("tessera.sqlite").path),
                    "a refused command writes nothing")
        }
    }
}
