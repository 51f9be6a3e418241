import Foundation
import Testing
import TesseraCore

/// Modules of the OpenID Foundation's RP-Initiated Logout test plan, under their names. The
/// cases the older logout suite already pins (a bad post_logout_redirect_uri, no id_token_hint,
/// a bare link) are not repeated here.
@Suite("OpenID conformance: RP-Initiated Logout")
struct RPInitiatedLogoutConformanceTests {
    static let afterLogout = "http://localhost:3000/logged-out"

    /// A browser logged in to `client`, and the ID token its relying party holds.
    private func loggedIn(_ server: TestServer, client: TestServer.RegisteredClient) async throws -> (Browser, idToken: String) {
        let browser = Browser()
        let code = Secret(try #require(try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))["code"]))
        let idToken = try #require(try await server.exchange(code, client: client).json["id_token"] as? String)
        return (browser, idToken)
    }

    private func logoutURL(_ server: TestServer, _ pairs: [(name: String, value: String)]) -> String {
        server.url("/oidc/logout?") + FormURLEncoding.encode(pairs)
    }

    private func silentAuthorization(_ browser: Browser, _ server: TestServer, client: TestServer.RegisteredClient) async throws -> [String: String] {
        try await browser.get(server.authorizeURL(client: client, extra: [("prompt", "none")])).locationQuery
    }

    @Test("oidcc-rp-initiated-logout: back to the registered URI with state, and prompt=none afterwards is login_required",
          arguments: TestEngine.all)
    func rpInitiatedLogout(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let (browser, idToken) = try await loggedIn(server, client: client)
            let response = try await browser.get(logoutURL(server, [
                ("id_token_hint", idToken), ("post_logout_redirect_uri", Self.afterLogout), ("state", "bye"),
                ("ui_locales", "en fr"), ("logout_hint", "alice@example.com"), ("client_id", client.id),
            ]))
            #expect(response.status == 302)
            #expect(response.location == Self.afterLogout + "?state=bye")
            #expect(try await silentAuthorization(browser, server, client: client)["error"] == "login_required")
        }
    }

    @Test("oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: the registered URI keeps its own query",
          arguments: TestEngine.all)
    func queryAddedToPostLogoutRedirectURI(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let withQuery = Self.afterLogout + "?foo=bar"
            let client = try await server.addClient(postLogoutRedirectURIs: [withQuery])
            try await server.addUser()
            let (browser, idToken) = try await loggedIn(server, client: client)
            let response = try await browser.get(logoutURL(server, [
                ("id_token_hint", idToken), ("post_logout_redirect_uri", withQuery), ("state", "s-2"),
            ]))
            #expect(response.status == 302)
            #expect(response.location == withQuery + "&state=s-2")
        }
    }

    @Test("oidcc-rp-initiated-logout-modified-id-token-hint: a hint whose signature was altered is an error page, and the session survives",
          arguments: TestEngine.all)
    func modifiedIDTokenHint(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let (browser, idToken) = try await loggedIn(server, client: client)
            var parts = idToken.split(separator: ".").map(String.init)
            parts[2] = String(parts[2].reversed())
            let response = try await browser.get(logoutURL(server, [
                ("id_token_hint", parts.joined(separator: ".")), ("post_logout_redirect_uri", Self.afterLogout), ("state", "x"),
            ]))
            #expect(response.status == 400)
            #expect(response.location == nil, "never redirected on a forged hint")
            #expect(try await silentAuthorization(browser, server, client: client)["code"] != nil)
        }
    }

    @Test("RP-Initiated Logout 1.0 §2 / RFC 9068 §2.1: an at+jwt access token or an ID token with an altered payload as id_token_hint is the 400 error page, and the session survives",
          arguments: TestEngine.all)
    func notAnIDTokenAsHint(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let api = "https://api.example.com/orders"
            _ = try await server.provider.administration.addAPI(identifier: api, name: "Orders", scopes: "read:orders")
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, api, scopes: "read:orders")
            let accessToken = try #require(try await server.clientCredentials(machine, audience: api).json["access_token"] as? String)
            #expect(try await server.verifyAccessToken(accessToken).type == "at+jwt", "signed by the same keys, only typ differs")

            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let (browser, idToken) = try await loggedIn(server, client: client)
            // The session's own ID token with one claim added: same header and signature, a payload they no longer cover.
            var parts = idToken.split(separator: ".").map(String.init)
            let payloadBytes = try #require(Base64URL.decode(parts[1]))
            var payload = try #require(try JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any])
            payload["acr"] = "urn:example:tampered"
            parts[1] = Base64URL.encode(try JSONSerialization.data(withJSONObject: payload))
            let tampered = parts.joined(separator: ".")

            for hint in [accessToken, tampered] {
                let response = try await browser.get(logoutURL(server, [("id_token_hint", hint)]))
                #expect(response.status == 400)
                #expect(response.location == nil)
                #expect(response.body.contains("id_token_hint"), "the error page names the parameter")
                #expect(browser.cookie("tessera_session") != nil, "the session cookie is not cleared")
            }
            #expect(try await silentAuthorization(browser, server, client: client)["code"] != nil, "the session was not ended")
        }
    }

    @Test("oidcc-rp-initiated-logout-only-state: state without post_logout_redirect_uri ends the session on a page, with no redirect",
          arguments: TestEngine.all)
    func onlyState(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let (browser, idToken) = try await loggedIn(server, client: client)
            let response = try await browser.get(logoutURL(server, [("id_token_hint", idToken), ("state", "only")]))
            #expect(response.status == 200)
            #expect(response.location == nil)
            #expect(response.body.contains("logged out"))
            #expect(try await silentAuthorization(browser, server, client: client)["error"] == "login_required")
        }
    }

    @Test("oidcc-rp-initiated-logout-no-post-logout-redirect-uri: id_token_hint alone ends the session on a logged-out page",
          arguments: TestEngine.all)
    func noPostLogoutRedirectURI(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(postLogoutRedirectURIs: [Self.afterLogout])
            try await server.addUser()
            let (browser, idToken) = try await loggedIn(server, client: client)
            let response = try await browser.post(server.url("/oidc/logout"), form: [("id_token_hint", idToken)])
            #expect(response.status == 200)
            #expect(response.body.contains("logged out"))
            #expect(browser.cookie("tessera_session") == nil)
            #expect(try await silentAuthorization(browser, server, client: client)["error"] == "login_required")
        }
    }
}
