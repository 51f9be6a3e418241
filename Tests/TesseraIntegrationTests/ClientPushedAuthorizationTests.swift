import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// TesseraClient's side of RFC 9126, against the real provider: it pushes when the provider
/// advertises the endpoint, and the browser's URL then carries nothing but the reference.
@Suite("RFC 9126: TesseraClient pushes its authorization requests")
struct ClientPushedAuthorizationTests {
    /// The names in `url`'s query, sorted.
    static func queryNames(_ url: URL) -> [String] {
        (FormURLEncoding.decode(URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? "") ?? []).map(\.name).sorted()
    }

    @Test("RFC 9126 §4: TesseraClient uses PAR when advertised (the browser URL carries only client_id and request_uri) and the full flow completes against the real provider")
    func pushesWhenAdvertised() async throws {
        let transport = CountingTransport()
        try await TestServer.withOIDCClient(transport: transport) { server, client, oidc in
            let request = try await oidc.authorizationRequest()
            #expect(transport.count(.post, "/oauth/par") == 1)
            #expect(request.url.absoluteString.hasPrefix(server.url("/authorize?")))
            #expect(Self.queryNames(request.url) == ["client_id", "request_uri"])
            #expect(!request.url.absoluteString.contains(request.pending.state.unredacted))
            #expect(!request.url.absoluteString.contains("code_challenge"))

            let tokens = try await server.signIn(with: oidc)
            #expect(transport.count(.post, "/oauth/par") == 2)
            #expect(tokens.idTokenClaims?.audience == [client.id])
            #expect(tokens.refreshToken != nil)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9126 §2.1: a public client pushes with its client_id alone, and a JSON-configured client still pushes a form", arguments: [false, true])
    func otherAuthenticationMethods(json: Bool) async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient(isPublic: !json)
            try await server.addUser()
            let oidc = try await server.oidcClient(for: client, authentication: json ? .clientSecretJSON : nil)
            let tokens = try await server.signIn(with: oidc)
            #expect(tokens.idTokenClaims?.audience == [client.id])
        }
    }

    @Test("usePushedAuthorization = false sends the classic URL, with every parameter and no push")
    func optOut() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let transport = CountingTransport()
            let oidc = try await server.oidcClient(for: client, transport: transport) { $0.usePushedAuthorization = false }
            let request = try await oidc.authorizationRequest()
            #expect(Self.queryNames(request.url) == ["client_id", "code_challenge", "code_challenge_method", "nonce", "redirect_uri",
                                                     "response_type", "scope", "state"])
            let tokens = try await server.signIn(with: oidc)
            #expect(tokens.idTokenClaims?.audience == [client.id])
            #expect(transport.count(.post, "/oauth/par") == 0)
        }
    }

    @Test("RFC 9126 §2.3: a refused push is the provider's typed OAuthError (invalid_request 400, invalid_client 401)")
    func refusedPush() async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            let unregistered = try await server.oidcClient(for: client) { $0.redirectURI = "http://localhost:3000/elsewhere" }
            #expect(await thrown(OAuthError.self) { _ = try await unregistered.authorizationRequest() }?.is(.invalidRequest, status: 400) == true)
            let wrongSecret = try await server.oidcClient(for: client) { $0.clientSecret = Secret.random() }
            #expect(await thrown(OAuthError.self) { _ = try await wrongSecret.authorizationRequest() }?.is(.invalidClient, status: 401) == true)
        }
    }

    @Test("RFC 9126 §6: a --require-par client logs in through TesseraClient, which pushes by default")
    func requiredPushWorks() async throws {
        try await TestServer.with(.sqlite) { server in
            let registered = try await server.provider.administration.addClient(ClientRegistration(
                name: "PAR only", redirectURIs: [TestServer.redirectURI], requiresPushedAuthorization: true))
            if let secret = registered.secret { server.ledger.record(secret) }
            let client = TestServer.RegisteredClient(id: registered.client.id, secret: registered.secret)
            try await server.addUser()
            let tokens = try await server.signIn(with: try await server.oidcClient(for: client))
            #expect(tokens.idTokenClaims?.audience == [client.id])
            server.ledger.expectNoneLogged()
        }
    }
}
