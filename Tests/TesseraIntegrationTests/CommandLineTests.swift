import Foundation
import NIOHTTP1
import Testing
import TesseraCore

@Suite("The tessera command line (DESIGN.md's contract)")
struct CommandLineTests {
    @Test("clients add --json prints one JSON object with client_id and client_secret; --public has no secret")
    func clientsAddJSON() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let output = try await TesseraBinary.run(["clients", "add", "--name", "Web App", "--redirect-uri", "http://localhost:3000/callback",
                                                      "--redirect-uri", "https://app.example/cb", "--json", "--database", database])
            #expect(output.status == 0, "\(output.stderr)")
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            #expect((object["client_id"] as? String)?.isEmpty == false)
            #expect((object["client_secret"] as? String)?.count == 43)

            let publicOutput = try await TesseraBinary.run(["clients", "add", "--name", "SPA", "--redirect-uri", "http://localhost:5173/cb",
                                                            "--public", "--json", "--database", database])
            let publicObject = try #require(try JSONSerialization.jsonObject(with: Data(publicOutput.stdout.utf8)) as? [String: Any])
            #expect(publicObject["client_id"] is String)
            #expect(publicObject["client_secret"] == nil)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("tessera.key").path))
        }
    }

    @Test("a bad flag or value: one line on stderr, a non-zero exit, and nothing written", arguments: [
        ["serve", "--no-such-flag"],
        ["serve", "--code-ttl", "0"],
        ["serve", "--code-ttl", "601"],
        ["serve", "--port", "70000"],
        ["serve", "--issuer", "ftp://x"],
        ["clients", "add", "--redirect-uri", "http://localhost/cb"],
        ["clients", "add", "--name", "x", "--redirect-uri", "ftp://example.com/cb"],
        ["clients", "add", "--name", "x", "--redirect-uri", "https://example.com/cb#frag"],
        ["clients", "add", "--name", "x", "--redirect-uri", "http://example.com/cb"],
        ["clients", "add", "--name", "x"],
        ["clients", "add", "--name", "x", "--redirect-uri", "https://a.example/cb", "--id-token-alg", "HS256"],
        ["users", "add", "--email", "a@example.com"],
        ["users", "add", "--email", "a@example.com", "--password", "short"],
        ["users", "add", "--email", "not-an-email", "--password", "long enough"],
        ["keys", "rotate", "--alg", "none"],
        ["clients", "add", "--name", "x", "--redirect-uri", "https://a.example/cb", "--database", "mysql://localhost/x"],
        ["clients", "add", "--name", "x", "--redirect-uri", "https://a.example/cb", "--master-key-file", "/no/such/file"],
        ["apis", "add", "--identifier", "not a uri", "--name", "x"],
        ["apis", "add", "--identifier", "https://api.example.com", "--name", "x", "--scope", "openid"],
        ["apis", "add", "--identifier", "https://api.example.com", "--name", " "],
        ["serve", "--tls-cert", "/no/such.pem", "--tls-key", "/no/such.pem"],
        ["serve", "--tls-cert", "/etc/hostname"],
        ["serve", "--refresh-grace-seconds", "-1"],
        ["serve", "--key-rotation-days", "0"],
        ["serve", "--trusted-proxy", "10.0.0.0/33"],
        ["serve", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "proxy.internal"],
        ["serve", "--trusted-proxy", "2001:db8::/129"],
        ["clients", "add", "--name", "m", "--grant-type", "client_credentials", "--public"],
        ["clients", "add", "--name", "m", "--grant-type", "password"],
        ["grants", "add", "--api", "https://api.example.com"],
        ["grants", "add", "--client", "c"],
        ["grants", "add", "--client", "c", "--api", "https://api.example.com", "--scope", "read\"orders"],
        ["grants", "remove", "--client", "c"],
        ["grants", "list", "--no-such-flag"],
        ["demo", "--port", "0"],
        ["demo", "--provider-port", "70000"],
        ["demo", "--port", "9000", "--provider-port", "9000"],
        ["demo", "--api-port", "0"],
        ["demo", "--api-port", "3000"],
        ["no-such-command"],
    ])
    func badInput(arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let hasDatabase = arguments.contains("--database")
            let output = try await TesseraBinary.run(arguments + (hasDatabase ? [] : ["--database", "sqlite://\(directory.path)/t.sqlite"]),
                                                     directory: directory)
            #expect(output.status != 0)
            let lines = output.stderr.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(output.stderr)")
            #expect(lines.first?.hasPrefix("tessera: error: ") == true)
            #expect(output.stdout.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "something was written")
        }
    }

    @Test("apis add registers an API; clients add --grant-type client_credentials and grants add make a machine client that gets a token for it")
    func machineClientFromCommandLine() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let api = try await TesseraBinary.run(["apis", "add", "--identifier", "https://api.example.com/v1", "--name", "Orders",
                                                   "--scope", "read:orders", "--database", database])
            #expect(api.status == 0, "\(api.stderr)")
            let duplicate = try await TesseraBinary.run(["apis", "add", "--identifier", "https://api.example.com/v1", "--name", "Again",
                                                         "--database", database])
            #expect(duplicate.status != 0)
            #expect(duplicate.stderr.split(separator: "\n").count == 1)
            let created = try await TesseraBinary.run(["clients", "add", "--name", "Cron", "--grant-type", "client_credentials", "--json",
                                                       "--database", database])
            #expect(created.status == 0, "\(created.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
            let granted = try await TesseraBinary.run(["grants", "add", "--client", try #require(object["client_id"]), "--api", "https://api.example.com/v1",
                                                       "--scope", "read:orders", "--database", database])
            #expect(granted.status == 0, "\(granted.stderr)")
            let server = try await ServeProcess(arguments: ["--database", database])
            let form = formBody([("grant_type", "client_credentials"), ("audience", "https://api.example.com/v1")])
            let response = try await send(.POST, server.baseURL + "/oauth/token", headers: [
                basicAuthorization(id: try #require(object["client_id"]), secret: Secret(try #require(object["client_secret"]))), form.header,
            ], body: form.body)
            #expect(response.status == 200)
            #expect(response.json["scope"] as? String == "read:orders")
            await server.terminate()
        }
    }

    @Test("users add --password-stdin reads the password, and the user can log in")
    func passwordStdin() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let added = try await TesseraBinary.run(["users", "add", "--email", "Bob@Example.com", "--password-stdin", "--database", database],
                                                    stdin: "a long password\n")
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout.contains("bob@example.com"))
            let again = try await TesseraBinary.run(["users", "add", "--email", "bob@example.com", "--password", "another one",
                                                     "--database", database])
            #expect(again.status != 0)
            #expect(again.stderr.contains("already exists"))
        }
    }

    @Test("sqlite:// takes relative paths (from the working directory) and absolute ones")
    func databasePaths() async throws {
        try await withTemporaryDirectory { directory in
            let relative = try await TesseraBinary.run(["clients", "add", "--name", "a", "--redirect-uri", "https://a.example/cb",
                                                        "--database", "sqlite://data/rel.sqlite"], directory: directory)
            #expect(relative.status == 0, "\(relative.stderr)")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/rel.sqlite").path))
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/tessera.key").path))
            let absolute = try await TesseraBinary.run(["clients", "add", "--name", "a", "--redirect-uri", "https://a.example/cb"],
                                                       environment: ["TESSERA_DATABASE_URL": "sqlite://\(directory.path)/abs.sqlite"])
            #expect(absolute.status == 0, "\(absolute.stderr)")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("abs.sqlite").path))
        }
    }

    @Test("serve: one line with the issuer; the whole flow over its socket; --code-ttl; SIGTERM exits cleanly; nothing secret in its output at trace level")
    func serveEndToEnd() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let server = try await ServeProcess(arguments: ["--database", database, "--code-ttl", "5",
                                                            "--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "::1"],
                                                environment: ["LOG_LEVEL": "trace"], directory: directory)
            #expect(server.text.contains("tessera: serving \(server.baseURL)"))
            let ledger = SecretLedger()

            let client = try await TesseraBinary.addClient(["--name", "CLI App", "--redirect-uri", TestServer.redirectURI], database: database)
            ledger.record(client.secret)
            let added = try await TesseraBinary.run(["users", "add", "--email", "carol@example.com", "--password-stdin", "--database", database],
                                                    stdin: "carol's password\n")
            #expect(added.status == 0)
            ledger.record(Secret("carol's password"))

            let remote = RemoteServer(baseURL: server.baseURL, ledger: ledger)
            let pkce = PKCE()
            ledger.record(pkce.verifier)
            let code = try await remote.code(for: client, pkce: pkce, email: "carol@example.com", password: "carol's password")
            let tokens = try await remote.exchange(code, client: client, verifier: pkce.verifier)
            #expect(tokens.status == 200)
            let info = try await remote.userInfo(try #require(tokens.json["access_token"] as? String))
            #expect(info.json["email"] as? String == "carol@example.com")
            #expect(try await remote.exchange(code, client: client, verifier: pkce.verifier).oauthError == "invalid_grant")

            let stale = try await remote.code(for: client, pkce: pkce, email: "carol@example.com", password: "carol's password")
            try await Task.sleep(for: .seconds(6))
            let expired = try await remote.exchange(stale, client: client, verifier: pkce.verifier)
            #expect(expired.oauthError == "invalid_grant")
            #expect((expired.json["error_description"] as? String)?.contains("expired") == true)

            let status = await server.terminate()
            #expect(status == 0)
            let log = server.text
            #expect(log.contains("path=/oauth/token"), "the trace-level request log was captured")
            let leaked = ledger.all.filter { log.contains($0) }
            #expect(leaked.isEmpty, "\(leaked.count) secrets appear in the server's output")
        }
    }

    @Test("SIGTERM lets an in-flight request finish before the process exits")
    func gracefulShutdown() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let server = try await ServeProcess(arguments: ["--database", database])
            // A slow request: bcrypt at cost 15 takes a few hundred milliseconds or more.
            _ = try await TesseraBinary.run(["users", "add", "--email", "slow@example.com", "--password", "slow password",
                                             "--bcrypt-cost", "15", "--database", database])
            let client = try await TesseraBinary.addClient(["--name", "A", "--redirect-uri", TestServer.redirectURI], database: database)
            let browser = Browser()
            let page = try await browser.get(server.baseURL + "/authorize?" + FormURLEncoding.encode([
                ("response_type", "code"), ("client_id", client.id), ("redirect_uri", TestServer.redirectURI), ("scope", "openid"),
            ]))
            let form = try #require(LoginForm(html: page.body))
            // The login's bcrypt check at cost 15 keeps the request in flight for well over a second.
            let login = Task {
                try await browser.post(server.baseURL + "/login", form: [
                    ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                    ("email", "slow@example.com"), ("password", "slow password"),
                ])
            }
            try await Task.sleep(for: .milliseconds(500))
            let status = await server.terminate()
            let response = try await login.value
            #expect(response.status == 302, "the in-flight login completed")
            #expect(response.locationQuery["code"] != nil)
            #expect(status == 0)
        }
    }
}

/// A `tessera serve` process, driven with the flow helpers of ``ProviderUnderTest``.
struct RemoteServer: ProviderUnderTest {
    let baseURL: String
    let ledger: SecretLedger
}
