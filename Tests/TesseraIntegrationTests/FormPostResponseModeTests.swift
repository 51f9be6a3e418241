import Foundation
import Testing
import TesseraCore

/// OAuth 2.0 Form Post Response Mode (`response_mode=form_post`), and `response_mode=query`
/// named explicitly (OAuth 2.0 Multiple Response Type Encoding Practices §2.1).
@Suite("Form Post Response Mode")
struct FormPostResponseModeTests {
    static let formPost = [("response_mode", "form_post")]

    /// Logs in through the login form and returns the answer to the form's POST.
    static func logIn(_ browser: Browser, server: TestServer, authorizeURL: String) async throws -> HTTPResult {
        let page = try await browser.get(authorizeURL)
        #expect(page.status == 200)
        let form = try #require(LoginForm(html: page.body))
        return try await browser.post(server.url("/login"), form: [
            ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
            ("email", "alice@example.com"), ("password", TestServer.password),
        ])
    }

    /// Checks the page is a form_post answer to the test redirect URI and returns its fields.
    static func fields(of response: HTTPResult) throws -> [String: String] {
        #expect(response.status == 200)
        #expect(response.location == nil, "form_post never redirects: the parameters must not be in a URL")
        #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(response.header("Cache-Control") == "no-store")
        let page = try #require(FormPostPage(html: response.body), "no form_post form in \(response.body)")
        #expect(page.action == TestServer.redirectURI)
        return page.fields
    }

    @Test("oidcc-response-mode-form-post: after login the code, state and iss are POSTed to the redirect URI, and the code exchanges", arguments: TestEngine.all)
    func formPostAfterLogin(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let answer = try await Self.logIn(browser, server: server,
                                              authorizeURL: server.authorizeURL(client: client, state: "fp", extra: Self.formPost))
            let fields = try Self.fields(of: answer)
            #expect(fields["state"] == "fp")
            #expect(fields["iss"] == server.baseURL)
            let code = try #require(fields["code"])
            server.ledger.record(Secret(code))
            #expect(answer.body.contains("<noscript>") && answer.body.contains(#"<button type="submit""#),
                    "without JavaScript a button submits the form")
            let tokens = try await server.exchange(Secret(code), client: client)
            #expect(tokens.status == 200)

            // The session-present path answers in the same mode, without a login page.
            let again = try await browser.get(server.authorizeURL(client: client, state: "again", extra: Self.formPost))
            let second = try Self.fields(of: again)
            #expect(second["state"] == "again")
            #expect(second["code"] != nil)
            if let code = second["code"] { server.ledger.record(Secret(code)) }
        }
    }

    @Test("oidcc-response-mode-form-post: the page's CSP allows only its own script (by hash) and a form action to the redirect URI", arguments: TestEngine.all)
    func contentSecurityPolicy(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let answer = try await Self.logIn(Browser(), server: server,
                                              authorizeURL: server.authorizeURL(client: client, extra: Self.formPost))
            if let code = (try? Self.fields(of: answer))?["code"] { server.ledger.record(Secret(code)) }
            let policy = try #require(answer.header("Content-Security-Policy"))
            let directives = Dictionary(policy.split(separator: ";").map {
                let parts = $0.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
            #expect(directives["form-action"] == TestServer.redirectURI)
            #expect(directives["default-src"] == "'none'")
            #expect(directives["frame-ancestors"] == "'none'")
            // The only script on the page is the one whose SHA-256 the policy names.
            let body = answer.body
            let open = try #require(body.range(of: "<script>"))
            let close = try #require(body.range(of: "</script>", range: open.upperBound..<body.endIndex))
            let script = String(body[open.upperBound..<close.lowerBound])
            #expect(body.components(separatedBy: "<script").count == 2, "exactly one script")
            let hex = SecretHash(of: Secret(script)).hex
            let digest = Data(stride(from: 0, to: hex.count, by: 2).map {
                UInt8(hex[hex.index(hex.startIndex, offsetBy: $0)..<hex.index(hex.startIndex, offsetBy: $0 + 2)], radix: 16)!
            })
            #expect(directives["script-src"] == "'sha256-\(digest.base64EncodedString())'")
            #expect(answer.header("Referrer-Policy") == "no-referrer")
        }
    }

    @Test("oidcc-response-mode-form-post-error: prompt=none without a session POSTs login_required with state and iss", arguments: TestEngine.all)
    func formPostError(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            // A state full of HTML's special characters comes back intact: escaped in the field, not markup.
            let state = #"e"><script>x()</script>&'"#
            let answer = try await Browser().get(server.authorizeURL(client: client, state: state, extra: Self.formPost + [("prompt", "none")]))
            let fields = try Self.fields(of: answer)
            #expect(fields["error"] == "login_required")
            #expect(fields["error_description"]?.isEmpty == false)
            #expect(fields["state"] == state)
            #expect(!answer.body.contains("<script>x()"))
            #expect(fields["iss"] == server.baseURL)
            #expect(fields["code"] == nil)
            #expect(answer.header("Content-Security-Policy")?.contains("form-action \(TestServer.redirectURI)") == true)
        }
    }

    @Test("oidcc-response-mode-form-post-error: a validation error after the redirect URI is trusted is POSTed too", arguments: TestEngine.all)
    func formPostValidationError(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let answer = try await Browser().get(server.authorizeURL(client: client, state: "v", extra: Self.formPost + [("max_age", "-1")]))
            let fields = try Self.fields(of: answer)
            #expect(fields["error"] == "invalid_request")
            #expect(fields["state"] == "v")
            // An untrusted redirect URI is never posted to, whatever the mode.
            let untrusted = try await Browser().get(server.authorizeURL(client: client, redirectURI: "https://evil.example/cb", extra: Self.formPost))
            #expect(untrusted.status == 400)
            #expect(FormPostPage(html: untrusted.body) == nil)
        }
    }

    @Test("OAuth 2.0 Multiple Response Type Encoding Practices §2.1: response_mode=query answers with a redirect as the default does", arguments: TestEngine.all)
    func explicitQuery(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client, state: "q",
                                                                                                extra: [("response_mode", "query")]))
            #expect(query["code"] != nil)
            #expect(query["state"] == "q")
        }
    }

    @Test("OAuth 2.0 Multiple Response Type Encoding Practices §2.1: fragment or an unknown response_mode is invalid_request, in the query", arguments: TestEngine.all)
    func unsupportedModes(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            for mode in ["fragment", "query.jwt", "web_message"] {
                let response = try await Browser().get(server.authorizeURL(client: client, state: "m", extra: [("response_mode", mode)]))
                #expect(response.status == 302)
                #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true)
                #expect(response.locationQuery["error"] == "invalid_request")
                #expect(response.locationQuery["error_description"]?.contains("form_post") == true)
                #expect(response.locationQuery["state"] == "m")
            }
        }
    }
}
