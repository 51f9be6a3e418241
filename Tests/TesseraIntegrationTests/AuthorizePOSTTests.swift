import Foundation
import Testing
import TesseraCore

/// `POST /authorize` (OpenID Connect Core §3.1.2.1: the authorization endpoint MUST support GET
/// and POST), as the conformance suite's `oidcc-server` runs it with the POST method.
@Suite("POST /authorize")
struct AuthorizePOSTTests {
    /// The parameters of a GET authorization URL, to send as a form body instead.
    static func pairs(of authorizeURL: String) throws -> [(String, String)] {
        let query = try #require(authorizeURL.split(separator: "?", maxSplits: 1).last.map(String.init))
        return try #require(FormURLEncoding.decode(query)).map { ($0.name, $0.value) }
    }

    @Test("oidcc-server (POST): POST /authorize with the same parameters as GET gives a code that exchanges", arguments: TestEngine.all)
    func postGivesCode(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            let page = try await browser.post(server.url("/authorize"), form: try Self.pairs(of: server.authorizeURL(client: client, state: "posted")))
            #expect(page.status == 200)
            let form = try #require(LoginForm(html: page.body), "the POST shows the same login form as the GET")
            let callback = try await browser.post(server.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(callback.status == 302)
            #expect(callback.locationQuery["state"] == "posted")
            #expect(callback.locationQuery["iss"] == server.baseURL)
            let code = try #require(callback.locationQuery["code"])
            server.ledger.record(Secret(code))
            let tokens = try await server.exchange(Secret(code), client: client)
            #expect(tokens.status == 200)
            #expect(tokens.json["id_token"] is String)

            // With the session the browser now has, a same-site POST gets its code at once, as a GET would.
            let again = try await browser.post(server.url("/authorize"), form: try Self.pairs(of: server.authorizeURL(client: client, state: "again")))
            #expect(again.status == 302)
            #expect(again.locationQuery["state"] == "again")
            #expect(again.locationQuery["code"] != nil)
        }
    }

    @Test("oidcc-server (POST): errors after the redirect URI is trusted go back to the client, as for GET", arguments: TestEngine.all)
    func postErrorsRedirect(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await Browser().post(server.url("/authorize"), form: try Self.pairs(
                of: server.authorizeURL(client: client, state: "s", extra: [("response_type", "token")])))
            #expect(response.status == 302)
            #expect(response.locationQuery["error"] == "unsupported_response_type")
            #expect(response.locationQuery["state"] == "s")
            let unknownClient = try await Browser().post(server.url("/authorize"), form: try Self.pairs(
                of: server.authorizeURL(client: .init(id: "no-such-client", secret: nil))))
            #expect(unknownClient.status == 400)
            #expect(unknownClient.location == nil)
        }
    }

    @Test("OIDC Core §3.1.2.1: a POST that is not form-encoded, too large, or also has a query gets the HTML error page, never a 5xx", arguments: TestEngine.all)
    func unreadablePost(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let query = try #require(server.authorizeURL(client: client).split(separator: "?").last.map(String.init))
            let json = try await send(.POST, server.url("/authorize"), headers: [("Content-Type", "application/json")],
                                      body: #"{"client_id":"\#(client.id)"}"#)
            let untyped = try await send(.POST, server.url("/authorize"), body: query)
            let mixed = try await send(.POST, server.url("/authorize?state=from-the-url"),
                                       headers: [("Content-Type", "application/x-www-form-urlencoded")], body: query)
            for response in [json, untyped, mixed] {
                #expect(response.status == 400)
                #expect(response.location == nil)
                #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
                #expect(response.body.contains(#"id="error-code">invalid_request"#))
            }
            #expect(mixed.body.contains("body only"))
            let huge = try await send(.POST, server.url("/authorize"), headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                      body: query + "&padding=" + String(repeating: "x", count: 128 * 1024))
            #expect(huge.status == 413)
            #expect(huge.header("Content-Type")?.hasPrefix("text/html") == true)
        }
    }
}
