import Testing
import TesseraCore

@Suite("Native apps: loopback redirect URIs (RFC 8252 §7.3)")
struct LoopbackRedirectTests {
    @Test("a registered loopback redirect URI accepts any port, and the token request must repeat the port used", arguments: TestEngine.all)
    func anyPort(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(isPublic: true, redirectURIs: ["http://127.0.0.1/callback"])
            try await server.addUser()
            let pkce = PKCE()
            let redirectURI = "http://127.0.0.1:53682/callback"
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client, pkce: pkce, redirectURI: redirectURI))
            let code = Secret(try #require(query["code"]))
            let wrongPort = try await server.token([
                ("grant_type", "authorization_code"), ("code", code.unredacted), ("redirect_uri", "http://127.0.0.1:1/callback"),
                ("code_verifier", pkce.verifier.unredacted),
            ], client: client)
            #expect(wrongPort.oauthError == "invalid_grant")

            let again = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client, pkce: pkce, redirectURI: redirectURI))
            let ok = try await server.token([
                ("grant_type", "authorization_code"), ("code", try #require(again["code"])), ("redirect_uri", redirectURI),
                ("code_verifier", pkce.verifier.unredacted),
            ], client: client)
            #expect(ok.status == 200)

            let otherPath = try await Browser().get(server.authorizeURL(client: client, pkce: pkce, redirectURI: "http://127.0.0.1:53682/other"))
            #expect(otherPath.status == 400)
            #expect(otherPath.location == nil)
        }
    }

    @Test("confidential client's loopback redirect on another port: refused, no redirect", arguments: TestEngine.all)
    func confidentialClientOtherPort(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(redirectURIs: ["http://127.0.0.1:8080/callback", "http://[::1]:8080/callback"])
            for redirectURI in ["http://127.0.0.1:53682/callback", "http://[::1]:53682/callback"] {
                let response = try await Browser().get(server.authorizeURL(client: client, redirectURI: redirectURI))
                #expect(response.status == 400, "\(redirectURI)")
                #expect(response.location == nil, "\(redirectURI)")
            }
            let exact = try await Browser().get(server.authorizeURL(client: client, redirectURI: "http://127.0.0.1:8080/callback"))
            #expect(exact.status == 200, "the registered URI itself still shows the login page")
        }
    }

    @Test("public client's localhost redirect on another port: refused (only the IP literals get any port)", arguments: TestEngine.all)
    func localhostOtherPort(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(isPublic: true, redirectURIs: ["http://localhost:3000/callback"])
            let pkce = PKCE()
            let other = try await Browser().get(server.authorizeURL(client: client, pkce: pkce, redirectURI: "http://localhost:53682/callback"))
            #expect(other.status == 400)
            #expect(other.location == nil)
            let exact = try await Browser().get(server.authorizeURL(client: client, pkce: pkce, redirectURI: "http://localhost:3000/callback"))
            #expect(exact.status == 200)
        }
    }
}
