import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// TesseraClient's DPoP (RFC 9449) against the real provider over real sockets: the proofs it
/// signs are the provider's to accept, the tokens it gets are bound to its key (`cnf.jkt` read out
/// of the RFC 9068 access token the provider signed), and the nonce dance is the provider's own.
@Suite("TesseraClient with DPoP against Tessera")
struct ClientDPoPTests {
    /// A server with the Orders API, a client granted it, and Alice.
    static func withOrdersClient(_ engine: TestEngine = .sqlite, isPublic: Bool = false,
                                 configure: (inout ProviderConfiguration) -> Void = { _ in },
                                 _ body: (TestServer, TestServer.RegisteredClient) async throws -> Void) async throws {
        try await TestServer.with(engine, configure: configure) { server in
            try await server.addAPIs()
            let client = try await server.addClient(isPublic: isPublic)
            try await server.grant(client, TestServer.ordersAPI, scopes: "read:orders")
            try await server.addUser()
            try await body(server, client)
        }
    }

    /// A login through `oidc` for the Orders API, so the access token is a JWT whose `cnf` the
    /// test can read; every token goes to the ledger.
    static func signIn(_ server: TestServer, with oidc: OIDCClient) async throws -> TokenSet {
        let request = try await oidc.authorizationRequest(scope: "openid email offline_access read:orders",
                                                          additionalParameters: [("audience", TestServer.ordersAPI)])
        let callback = try await server.authorize(Browser(), authorizeURL: request.url.absoluteString)
        let tokens = try await oidc.handleCallback(query: FormURLEncoding.encode(callback.map { (name: $0.key, value: $0.value) }),
                                                   pending: request.pending)
        server.ledger.record(tokens.response)
        return tokens
    }

    /// The `cnf.jkt` of a JWT access token (RFC 9449 §6.1).
    static func confirmedThumbprint(_ tokens: TokenSet) throws -> String? {
        let parts = tokens.accessToken.unredacted.split(separator: ".")
        try #require(parts.count == 3, "a JWT access token")
        let payload = try #require(Base64URL.decode(String(parts[1])))
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        return (claims["cnf"] as? [String: Any])?["jkt"] as? String
    }

    @Test("RFC 9449: a TesseraClient with configuration.dpop exchanges a code for a DPoP-bound token (token_type DPoP, cnf.jkt = its key) and refreshes it with the same key",
          arguments: TestEngine.all)
    func exchangeAndRefresh(engine: TestEngine) async throws {
        try await Self.withOrdersClient(engine) { server, client in
            let oidc = try await server.oidcClient(for: client) { $0.dpop = .es256 }
            let key = try #require(oidc.dpopKey)
            let tokens = try await Self.signIn(server, with: oidc)
            #expect(tokens.tokenType == "DPoP")
            #expect(tokens.isDPoPBound)
            #expect(try Self.confirmedThumbprint(tokens) == key.thumbprint)

            let refreshed = try await oidc.refresh(tokens)
            server.ledger.record(refreshed.response)
            #expect(refreshed.accessToken != tokens.accessToken)
            #expect(refreshed.tokenType == "DPoP")
            #expect(try Self.confirmedThumbprint(refreshed) == key.thumbprint, "the refreshed token is bound to the same key")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §10: the client's authorization request binds the code to its key (dpop_jkt): the code exchanged with another key is invalid_dpop_proof",
          arguments: [true, false])
    func codeBoundToKey(pushed: Bool) async throws {
        try await Self.withOrdersClient { server, client in
            let oidc = try await server.oidcClient(for: client) {
                $0.dpop = .es256
                $0.usePushedAuthorization = pushed
            }
            let request = try await oidc.authorizationRequest(scope: "openid offline_access")
            let callback = try await server.authorize(Browser(), authorizeURL: request.url.absoluteString)
            let query = FormURLEncoding.encode(callback.map { (name: $0.key, value: $0.value) })
            let thief = oidc.withDPoPKey(DPoPKey.generate(.es256))
            let refusal = await thrown(OAuthError.self) { _ = try await thief.handleCallback(query: query, pending: request.pending) }
            #expect(refusal?.is(.invalidDPoPProof, status: 400) == true, "\(String(describing: refusal))")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §8: the client retries once with the server's DPoP-Nonce and succeeds; the nonce is remembered, so the refresh needs no retry",
          arguments: TestEngine.all)
    func nonceRetry(engine: TestEngine) async throws {
        try await Self.withOrdersClient(engine, configure: { $0.dpop.requireNonce = true }) { server, client in
            let transport = CountingTransport()
            let oidc = try await server.oidcClient(for: client, transport: transport) { $0.dpop = .es256 }
            let tokens = try await Self.signIn(server, with: oidc)
            #expect(transport.count(.post, "/oauth/token") == 2, "refused for want of a nonce, then accepted with it")
            #expect(try Self.confirmedThumbprint(tokens) == oidc.dpopKey?.thumbprint)

            let refreshed = try await oidc.refresh(tokens)
            server.ledger.record(refreshed.response)
            #expect(refreshed.isDPoPBound)
            #expect(transport.count(.post, "/oauth/token") == 3, "the remembered nonce is accepted the first time")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §8: when the retry is refused too, the client gives up after two requests with the provider's use_dpop_nonce")
    func nonceRetryDoesNotLoop() async throws {
        try await Self.withOrdersClient(configure: { $0.dpop.requireNonce = true }) { server, client in
            // Someone on the way swaps every nonce the provider sends for one it never issued.
            let transport = CountingTransport(NonceSwappingTransport())
            let oidc = try await server.oidcClient(for: client, transport: transport) { $0.dpop = .es256 }
            let refusal = await thrown(OAuthError.self) { _ = try await Self.signIn(server, with: oidc) }
            #expect(refusal?.is(.useDPoPNonce, status: 400) == true, "\(String(describing: refusal))")
            #expect(transport.count(.post, "/oauth/token") == 2, "one retry, never a loop")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("an injected key is the one used: its thumbprint is cnf.jkt, and a client restarted with the persisted key refreshes the tokens")
    func injectedKeySurvivesRestart() async throws {
        try await Self.withOrdersClient(isPublic: true) { server, client in
            let first = try await server.oidcClient(for: client) { $0.dpop = .edDSA }
            let stored = try #require(first.dpopKey?.exported)   // what the app keeps in its secret store
            let persisted = try DPoPKey(exported: stored)
            let tokens = try await Self.signIn(server, with: first)
            #expect(try Self.confirmedThumbprint(tokens) == persisted.thumbprint)

            // A restart: a new client, the key brought back from where the app kept it.
            let restarted = try await server.oidcClient(for: client) { $0.dpop = .key(persisted) }
            let refreshed = try await restarted.refresh(tokens)
            server.ledger.record(refreshed.response)
            #expect(try Self.confirmedThumbprint(refreshed) == persisted.thumbprint)

            let forgetful = try await server.oidcClient(for: client) { $0.dpop = .edDSA }
            #expect(await thrown(ClientError.self) { _ = try await forgetful.refresh(refreshed) }?.code == .invalidConfiguration,
                    "a client with a new key cannot use tokens bound to the old one")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 9449 §7.1: /userinfo with a DPoP-bound token through the client, and with the provider's nonce required",
          arguments: [false, true])
    func userInfo(requireNonce: Bool) async throws {
        try await Self.withOrdersClient(configure: { $0.dpop.requireNonce = requireNonce }) { server, client in
            let oidc = try await server.oidcClient(for: client) { $0.dpop = .es256 }
            let tokens = try await Self.signIn(server, with: oidc)
            let info = try await oidc.userInfo(for: tokens)
            #expect(info.email == "alice@example.com")
            #expect(info.subject == tokens.idTokenClaims?.subject)
            server.ledger.expectNoneLogged()
        }
    }
}

/// A transport that replaces every `DPoP-Nonce` the server sends with one it never issued: the
/// client's retry then fails too, as it would against a server whose nonces keep going stale.
struct NonceSwappingTransport: HTTPTransport {
    let base: any HTTPTransport = AsyncHTTPClientTransport()

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        var response = try await base.send(request)
        response.headers = response.headers.map { header in
            header.name.caseInsensitiveCompare("DPoP-Nonce") == .orderedSame ? (header.name, "never-issued-" + UUID().uuidString) : header
        }
        return response
    }
}
