import Foundation
import Testing
import TesseraCore

/// `tessera demo`: the provider and the example app in one process, clicked through over HTTP
/// with the Browser helper (the real browser's run is DemoBrowserTests).
@Suite("tessera demo")
struct DemoTests {
    /// home → /login → the provider's form → /callback → /dashboard → logout → /dashboard refused.
    /// Returns the secrets the browser saw on the way (codes, states, session ids).
    static func clickThrough(_ demo: DemoProcess, email: String, password: String) async throws -> [String] {
        let browser = Browser()
        var seen: [String] = []
        let home = try await browser.get(demo.appURL + "/")
        #expect(home.status == 200)
        #expect(home.body.contains("href=\"/login?return_to=%2Fdashboard\""))

        let login = try await browser.get(demo.appURL + "/login?return_to=%2Fdashboard")
        let authorize = try #require(login.location)
        #expect(authorize.hasPrefix(demo.providerURL + "/authorize?"))
        let page = try await browser.get(authorize)
        let form = try #require(LoginForm(html: page.body), "no login form: \(page.status) \(page.body)")
        let submitted = try await browser.post(demo.providerURL + "/login", form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest), ("email", email), ("password", password),
        ])
        let callback = try #require(submitted.location, "the provider refused the login: \(submitted.status)")
        #expect(callback.hasPrefix(demo.appURL + "/callback?"))
        seen += [submitted.locationQuery["code"], submitted.locationQuery["state"], browser.cookie("tessera_rp_session")].compactMap { $0 }

        let back = try await browser.get(callback)
        #expect(back.status == 303)
        #expect(back.location == "/dashboard")
        seen += [browser.cookie("tessera_rp_session")].compactMap { $0 }
        let dashboard = try await browser.get(demo.appURL + "/dashboard")
        #expect(dashboard.status == 200)
        #expect(dashboard.body.contains("<strong id=\"email\">\(email)</strong>"))
        #expect(dashboard.body.contains("The access token expires"))
        #expect(dashboard.body.contains("The API says: <strong id=\"api-answer\">hello "), "the dashboard shows no answer from the demo API")
        #expect(dashboard.body.contains(", you may read:messages</strong>"))
        #expect(!dashboard.body.contains("eyJ"), "a JWT on the dashboard")
        #expect(!seen.contains { dashboard.body.contains($0) })

        let logout = try await browser.post(demo.appURL + "/logout", form: [])
        let endSession = try #require(logout.location)
        #expect(endSession.hasPrefix(demo.providerURL + "/oidc/logout?"))
        let ended = try await browser.get(endSession)
        #expect(ended.location == demo.appURL + "/", "the provider returns to the registered post-logout URI")
        #expect(browser.cookie("tessera_session") == nil, "the provider's session ended with no confirmation click: the app sent its id_token_hint")
        let refused = try await browser.get(demo.appURL + "/dashboard")
        #expect(refused.status == 302)
        #expect(refused.location == "/login?return_to=%2Fdashboard")
        return seen
    }

    @Test("demo: prints how to log in, the whole cycle works, nothing secret in its output, SIGTERM exits 0; a restart on the same database logs in the same demo user and existing users")
    func demoEndToEnd() async throws {
        try await withTemporaryDirectory { directory in
            let demo = try await DemoProcess.start(directory: directory)
            #expect(demo.email == "demo@example.com")
            #expect(demo.password == "tessera-demo")
            var seen = try await Self.clickThrough(demo, email: demo.email, password: demo.password)
            #expect(await demo.process.terminate() == 0, "\(demo.process.text)")

            try await TesseraBinary.addUser(email: "erin@example.com", password: "erin's password", database: "sqlite://\(directory.path)/tessera.sqlite")
            let again = try await DemoProcess.start(directory: directory)
            #expect(again.email == demo.email && again.password == demo.password)
            seen += try await Self.clickThrough(again, email: demo.email, password: demo.password)
            seen += try await Self.clickThrough(again, email: "erin@example.com", password: "erin's password")
            #expect(await again.process.terminate() == 0, "\(again.process.text)")

            let output = demo.process.text + again.process.text
            #expect(!seen.isEmpty)
            #expect(!seen.contains { output.contains($0) }, "a code, state or session id reached the demo's output")
        }
    }
}

/// The demo's protected API, over HTTP: what a client that meets it without a token sees.
@Suite("tessera demo's protected API")
struct DemoAPITests {
    @Test("RFC 9728 §5.1: the demo API answers 401 with resource_metadata and no error code without a token; RFC 9728 §3: its metadata names the demo provider")
    func protectedAPI() async throws {
        try await withTemporaryDirectory { directory in
            let demo = try await DemoProcess.start(directory: directory)
            let metadataURL = demo.apiURL + ".well-known/oauth-protected-resource"
            let refused = try await send(.GET, demo.apiURL + "messages")
            #expect(refused.status == 401)
            #expect(refused.header("WWW-Authenticate") == #"Bearer resource_metadata="\#(metadataURL)""#)
            let forged = try await send(.GET, demo.apiURL + "messages", headers: [("Authorization", "Bearer not.a.token")])
            #expect(forged.status == 401)
            #expect(forged.header("WWW-Authenticate")?.hasPrefix(#"Bearer error="invalid_token""#) == true)

            let document = try await send(.GET, metadataURL)
            #expect(document.status == 200)
            #expect(document.header("Content-Type") == "application/json")
            #expect(document.json["resource"] as? String == demo.apiURL)
            #expect(document.json["authorization_servers"] as? [String] == [demo.providerURL])
            #expect(document.json["scopes_supported"] as? [String] == ["read:messages"])
            #expect(document.json["bearer_methods_supported"] as? [String] == ["header"])
            #expect(await demo.process.terminate() == 0, "\(demo.process.text)")
        }
    }
}

/// The demo's login is public: it must never land in a database `tessera serve` uses.
@Suite("tessera demo keeps its public login out of real databases")
struct DemoDatabaseTests {
    @Test("demo without --database: serve's default ./tessera.sqlite is never created, and the demo's temporary database is gone after exit")
    func demoNeverWritesServesDefaultDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let demo = try await DemoProcess.start(directory: directory, temporaryDatabase: true)
            _ = try await DemoTests.clickThrough(demo, email: demo.email, password: demo.password)
            // "tessera demo: provider http://127.0.0.1:PORT (database sqlite:///tmp/tessera-demo-…/tessera.sqlite)"
            let line = try #require(demo.process.text.split(separator: "\n").first { $0.contains("(database sqlite://") })
            let path = String(try #require(line.split(separator: "sqlite://").last).dropLast())
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(!path.hasPrefix(directory.path))
            #expect(await demo.process.terminate() == 0, "\(demo.process.text)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "the demo wrote into the working directory")
            #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent), "the temporary database outlived the demo")
        }
    }

    @Test("demo --database on a database serve uses: refused in one line, no demo login added to it")
    func demoRefusesARealDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            try await TesseraBinary.addUser(email: "real@example.com", password: "a real password", database: database)
            let refused = try await TesseraBinary.run(["demo", "--port", "\(freeLoopbackPort())", "--provider-port", "\(freeLoopbackPort())",
                                                       "--database", database])
            #expect(refused.status != 0)
            let errors = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("tessera: error: ") }
            #expect(errors.count == 1 && errors[0].contains("runs only on a database it created"), "\(refused.stderr)")
            // The demo user was not added: the address is still free for a real user.
            let demoUser = try await TesseraBinary.run(["users", "add", "--email", "demo@example.com", "--password", "not the demo's",
                                                        "--database", database])
            #expect(demoUser.status == 0, "the demo's public login was written: \(demoUser.stderr)")
        }
    }

    @Test("serve on the demo's database: refused in one line, so the public demo login is never served for real")
    func serveRefusesTheDemoDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let demo = try await DemoProcess.start(directory: directory)
            #expect(await demo.process.terminate() == 0, "\(demo.process.text)")
            let serve = try await TesseraBinary.run(["serve", "--port", "\(freeLoopbackPort())",
                                                     "--database", "sqlite://\(directory.path)/tessera.sqlite"])
            #expect(serve.status != 0)
            let errors = serve.stderr.split(separator: "\n").filter { $0.hasPrefix("tessera: error: ") }
            #expect(errors.count == 1 && errors[0].contains("created by tessera demo"), "\(serve.stderr)")
        }
    }
}
