import Foundation
import NIOHTTP1
import Testing
import TesseraCore

@Suite("HTTPS, as the seed insists")
struct TLSTests {
    /// `tessera serve` over HTTPS only with the test certificate, its issuer `https://localhost:PORT`.
    static func httpsServer(database: String) async throws -> (server: ServeProcess, port: Int) {
        let certificates = TestCertificates.files
        let port = freeLoopbackPort()
        let server = try await ServeProcess(arguments: [
            "--database", database, "--tls-cert", certificates.certificatePath, "--tls-key", certificates.keyPath,
            "--issuer", "https://localhost:\(port)",
        ], port: port)
        return (server, port)
    }

    @Test("serve --tls-cert --tls-key serves HTTPS only, with an https issuer and Secure cookies, and the whole exchange works over it")
    func httpsOnly() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let (server, port) = try await Self.httpsServer(database: database)
            let base = "https://localhost:\(port)"

            let discovery = try await send(.GET, base + "/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.json["token_endpoint"] as? String == base + "/oauth/token")
            await #expect(throws: (any Error).self) { _ = try await send(.GET, "http://localhost:\(port)/healthz") }

            let client = try await TesseraBinary.addClient(["--name", "TLS App", "--redirect-uri", TestServer.redirectURI], database: database)
            try await TesseraBinary.addUser(email: "tls@example.com", password: "tls password", database: database)

            let page = try await Browser().get(base + "/authorize?" + FormURLEncoding.encode([
                ("response_type", "code"), ("client_id", client.id), ("redirect_uri", TestServer.redirectURI), ("scope", "openid"),
            ]))
            let csrf = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("__Host-tessera_csrf=") })
            #expect(csrf.contains("Secure"))

            let remote = RemoteServer(baseURL: base, ledger: SecretLedger())
            let code = try await remote.code(for: client, pkce: nil, email: "tls@example.com", password: "tls password")
            let tokens = try await remote.exchange(code, client: client, verifier: nil)
            #expect(tokens.status == 200)
            #expect(await server.terminate() == 0)
        }
    }
}

extension TLSTests {
    @Test("the seed's Python exchange_code_for_tokens, unchanged, works over HTTPS with AUTH0_DOMAIN pointed at the server")
    func seedOverHTTPS() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let (server, port) = try await Self.httpsServer(database: database)
            let client = try await TesseraBinary.addClient(["--name", "Seed", "--redirect-uri", TestServer.redirectURI], database: database)
            try await TesseraBinary.addUser(email: "seed@example.com", password: "seed password", database: database)
            let code = try await RemoteServer(baseURL: "https://localhost:\(port)", ledger: SecretLedger())
                .code(for: client, pkce: nil, email: "seed@example.com", password: "seed password")

            let run = try await TesseraBinary.run(
                ["python3", SeedPythonClientTests.script.path, code.unredacted, TestServer.redirectURI],
                environment: [
                    "AUTH0_DOMAIN": "localhost:\(port)",
                    "AUTH0_CLIENT_ID": client.id,
                    "AUTH0_CLIENT_SECRET": client.secret?.unredacted ?? "",
                    "REQUESTS_CA_BUNDLE": TestCertificates.files.caPath,
                ],
                executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.stdout.contains("Token exchange successful"))
            let result = try #require(try JSONSerialization.jsonObject(with: Data((run.stdout.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
            #expect(result["token_type"] as? String == "Bearer")
            #expect((result["id_token"] as? String)?.split(separator: ".").count == 3)
            #expect(await server.terminate() == 0)
        }
    }
}

extension TLSTests {
    @Test("https cookies carry the __Host- prefix")
    func hostPrefixedCookies() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let (server, port) = try await Self.httpsServer(database: database)
            let base = "https://localhost:\(port)"
            let client = try await TesseraBinary.addClient(["--name", "Host App", "--redirect-uri", TestServer.redirectURI], database: database)
            try await TesseraBinary.addUser(email: "host@example.com", password: "host password", database: database)
            let authorize = base + "/authorize?" + FormURLEncoding.encode([
                ("response_type", "code"), ("client_id", client.id), ("redirect_uri", TestServer.redirectURI), ("scope", "openid"),
            ])

            /// A `__Host-` cookie: Secure, Path=/ and no Domain, or browsers drop it.
            func expectHostCookie(_ response: HTTPResult, _ name: String) throws {
                let header = try #require(response.headers["Set-Cookie"].first { $0.hasPrefix("__Host-\(name)=") }, "no __Host-\(name)")
                let attributes = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                #expect(attributes.contains("secure") && attributes.contains("path=/") && attributes.contains("httponly"))
                #expect(!attributes.contains { $0.hasPrefix("domain=") })
                #expect(!response.headers["Set-Cookie"].contains { $0.hasPrefix("\(name)=") }, "no unprefixed twin")
            }
            let browser = Browser()
            let page = try await browser.get(authorize)
            try expectHostCookie(page, "tessera_csrf")
            let form = try #require(LoginForm(html: page.body))
            let login = try await browser.post(base + "/login", form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "host@example.com"), ("password", "host password"),
            ])
            #expect(login.status == 302)
            try expectHostCookie(login, "tessera_session")
            let session = try #require(browser.cookie("__Host-tessera_session"))
            #expect(try await browser.get(authorize).status == 302, "the prefixed session cookie is the one read")

            // Unprefixed cookies, as a neighbouring subdomain could plant them, are not read over https.
            let planted = Browser()
            planted.setCookie("tessera_session", session)
            #expect(try await planted.get(authorize).status == 200, "the login page: the session cookie must be __Host-")
            let csrfPlanted = Browser()
            csrfPlanted.setCookie("tessera_csrf", try #require(browser.cookie("__Host-tessera_csrf")))
            let refused = try await csrfPlanted.post(base + "/login", form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "host@example.com"), ("password", "host password"),
            ])
            #expect(refused.status == 400)
            #expect(await server.terminate() == 0)
        }
    }
}
