import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// TesseraClient against the real provider on a loopback port: the seed's whole exchange, done by
/// the library, with every refusal typed and every attack on the id_token caught.
@Suite("TesseraClient against the provider")
struct ClientAgainstProviderTests {
    static let methods: [ClientAuthentication] = [.clientSecretBasic, .clientSecretPost, .clientSecretJSON]

    @Test("the full flow: discovery → login → callback → exchange → id_token → userinfo → refresh → revoke", arguments: methods)
    func fullFlow(authentication: ClientAuthentication) async throws {
        try await TestServer.with { server in
            let client = try await server.addClient()
            let user = try await server.addUser()
            let oidc = try await server.oidcClient(for: client, authentication: authentication)

            let (query, pending) = try await server.login(with: oidc)
            let callback = try await oidc.validateCallback(query: query, pending: pending)
            #expect(callback.issuer == server.baseURL, "Tessera sends RFC 9207 iss")
            let tokens = try await oidc.exchangeCode(callback, pending: pending)
            server.ledger.record(tokens.response)

            #expect(tokens.response.tokenType == "Bearer")
            #expect(tokens.response.expiresIn == 86400)
            #expect(tokens.response.scope == "openid profile email offline_access")
            let claims = try #require(tokens.idTokenClaims)
            #expect(claims.subject == user.id)
            #expect(claims.issuer == server.baseURL)
            #expect(claims.audience == [client.id])
            #expect(claims.nonce == pending.nonce.unredacted)
            #expect(claims.accessTokenHash == AccessTokenHash.compute(for: tokens.accessToken, algorithm: "RS256"))
            #expect(claims.email == "alice@example.com")

            let info = try await oidc.userInfo(for: tokens)
            #expect(info.subject == user.id)
            #expect(info.email == "alice@example.com")
            #expect(info.name == "Alice Example")

            let refreshed = try await oidc.refresh(tokens)
            server.ledger.record(refreshed.response)
            #expect(refreshed.accessToken != tokens.accessToken)
            #expect(refreshed.refreshToken != tokens.refreshToken, "Tessera rotates refresh tokens")
            #expect(refreshed.idTokenClaims?.subject == user.id)
            #expect(try await oidc.userInfo(for: refreshed).subject == user.id)

            try await oidc.revoke(try #require(refreshed.refreshToken), hint: .refreshToken)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.refresh(refreshed) }?.is(.invalidGrant, status: 400) == true)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.userInfo(for: refreshed) }?.is(.invalidToken, status: 401) == true)
            #expect(LogCapture.text.contains("oidc authorization_code exchange"), "the client's own log lines were captured and scanned")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("a public client (auth method none) completes the flow on PKCE alone")
    func publicClient() async throws {
        try await TestServer.withOIDCClient(isPublic: true) { server, client, oidc in
            #expect(oidc.configuration.authentication == .none)
            let tokens = try await server.signIn(with: oidc)
            #expect(tokens.idTokenClaims?.audience == [client.id])
            server.ledger.expectNoneLogged()
        }
    }

    // MARK: every refusal, typed

    @Test("a reused code is .invalidGrant with status 400 — the seed's 'send the user to log in again'")
    func reusedCode() async throws {
        try await TestServer.withOIDCClient { server, _, oidc in
            let (query, pending) = try await server.login(with: oidc)
            server.ledger.record(try await oidc.handleCallback(query: query, pending: pending).response)
            let error = await thrown(OAuthError.self) { _ = try await oidc.handleCallback(query: query, pending: pending) }
            #expect(error?.is(.invalidGrant, status: 400) == true)
            #expect(error?.description?.contains("already been used") == true)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("a wrong client secret is .invalidClient with status 401, for every authentication method", arguments: methods)
    func wrongSecret(authentication: ClientAuthentication) async throws {
        try await TestServer.with { server in
            let client = try await server.addClient()
            try await server.addUser()
            let wrong = Secret("wrong-" + (client.secret?.unredacted ?? ""))
            server.ledger.record(wrong)
            let oidc = try await server.oidcClient(for: client, authentication: authentication) { $0.clientSecret = wrong }
            let (query, pending) = try await server.login(with: oidc)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.handleCallback(query: query, pending: pending) }?.is(.invalidClient, status: 401) == true)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("an unknown client is .invalidClient 401; an expired code, a wrong verifier or redirect_uri are .invalidGrant")
    func grantRefusals() async throws {
        try await TestServer.withOIDCClient(configure: { $0.codeLifetime = 5 },
                                            redirectURIs: [TestServer.redirectURI, "http://localhost:3000/other"]) { server, client, oidc in

            let stranger = try await server.oidcClient(for: .init(id: "no-such-client", secret: client.secret))
            let (strangerQuery, strangerPending) = try await server.login(with: oidc)
            let strangerCallback = try await oidc.validateCallback(query: strangerQuery, pending: strangerPending)
            #expect(await thrown(OAuthError.self) { _ = try await stranger.exchangeCode(strangerCallback, pending: strangerPending) }?.is(.invalidClient, status: 401) == true)

            let (expiredQuery, expiredPending) = try await server.login(with: oidc)
            server.clock.advance(by: 6)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.handleCallback(query: expiredQuery, pending: expiredPending) }?.is(.invalidGrant, status: 400) == true)

            let (query, pending) = try await server.login(with: oidc)
            let wrongVerifier = PendingAuthorization(
                state: pending.state, nonce: pending.nonce, codeVerifier: PKCE().verifier, redirectURI: pending.redirectURI,
                scope: pending.scope, issuer: pending.issuer, createdAt: pending.createdAt)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.handleCallback(query: query, pending: wrongVerifier) }?.is(.invalidGrant, status: 400) == true)

            let (otherQuery, otherPending) = try await server.login(with: oidc)
            let wrongRedirect = PendingAuthorization(
                state: otherPending.state, nonce: otherPending.nonce, codeVerifier: otherPending.codeVerifier,
                redirectURI: "http://localhost:3000/other", scope: otherPending.scope, issuer: otherPending.issuer,
                createdAt: otherPending.createdAt)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.handleCallback(query: otherQuery, pending: wrongRedirect) }?.is(.invalidGrant, status: 400) == true)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("refresh refusals: widening the scope is .invalidScope; a client without the refresh grant is .unauthorizedClient")
    func refreshRefusals() async throws {
        try await TestServer.withOIDCClient { server, client, oidc in
            let tokens = try await server.signIn(with: oidc, scope: "openid offline_access")
            #expect(await thrown(OAuthError.self) { _ = try await oidc.refresh(tokens, scope: "openid email offline_access") }?.is(.invalidScope, status: 400) == true)
            server.ledger.record(try await oidc.refresh(tokens, scope: "openid offline_access").response)

            let codeOnly = try await server.addClient(grantTypes: [.authorizationCode])
            let codeOnlyClient = try await server.oidcClient(for: codeOnly)
            var codeOnlyTokens = try await server.signIn(with: codeOnlyClient)
            #expect(codeOnlyTokens.refreshToken == nil, "no refresh token for a client without the grant")
            #expect(await thrown(ClientError.self) { _ = try await codeOnlyClient.refresh(codeOnlyTokens) }?.code == .missingRefreshToken)
            codeOnlyTokens.response.refreshToken = tokens.refreshToken
            #expect(await thrown(OAuthError.self) { _ = try await codeOnlyClient.refresh(codeOnlyTokens) }?.is(.unauthorizedClient, status: 400) == true)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("an error callback (login_required for prompt=none without a session) becomes the provider's OAuthError")
    func errorCallback() async throws {
        try await TestServer.withOIDCClient { server, _, oidc in
            let request = try await oidc.authorizationRequest(additionalParameters: [("prompt", "none")])
            let response = try await Browser().get(request.url.absoluteString)
            #expect(response.status == 302)
            let location = try #require(response.location)
            let query = try #require(URLComponents(string: location)?.percentEncodedQuery)
            #expect(await thrown(OAuthError.self) { _ = try await oidc.validateCallback(query: query, pending: request.pending) }?.code == .loginRequired)
            // The same callback against another login's state is refused as forged.
            let other = try await oidc.authorizationRequest()
            #expect(await thrown(ClientError.self) { _ = try await oidc.validateCallback(query: query, pending: other.pending) }?.code == .stateMismatch)
            server.ledger.expectNoneLogged()
        }
    }

    // MARK: attacks on what the provider returned

    @Test("a tampered id_token from the real provider is rejected; so are its replay to another session and to another client")
    func tamperedIDToken() async throws {
        try await TestServer.withOIDCClient { server, _, oidc in
            let other = try await server.addClient()
            let (query, pending) = try await server.login(with: oidc)
            let tokens = try await oidc.handleCallback(query: query, pending: pending)
            server.ledger.record(tokens.response)
            let idToken = try #require(tokens.idToken)

            var parts = idToken.unredacted.split(separator: ".").map(String.init)
            let payloadBytes = try #require(Base64URL.decode(parts[1]))
            var payload = try #require(try JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any])
            payload["sub"] = "someone-else"
            parts[1] = Base64URL.encode(try JSONSerialization.data(withJSONObject: payload))
            let tampered = Secret(parts.joined(separator: "."))
            #expect(await thrown(ClientError.self) { _ = try await oidc.validateIDToken(tampered, nonce: pending.nonce) }?.code == .invalidSignature)

            _ = try await oidc.validateIDToken(idToken, nonce: pending.nonce, accessToken: tokens.accessToken)
            #expect(await thrown(ClientError.self) { _ = try await oidc.validateIDToken(idToken, nonce: Secret("another-session")) }?.code == .invalidNonce)
            let swapped = await thrown(ClientError.self) {
                _ = try await oidc.validateIDToken(idToken, nonce: pending.nonce, accessToken: Secret("swapped"))
            }
            #expect(swapped?.code == .invalidAccessTokenHash)
            let otherClient = try await server.oidcClient(for: other)
            #expect(await thrown(ClientError.self) { _ = try await otherClient.validateIDToken(idToken, nonce: pending.nonce) }?.code == .invalidAudience)
            server.clock.advance(by: 36_000 + 31)
            #expect(await thrown(ClientError.self) { _ = try await oidc.validateIDToken(idToken, nonce: pending.nonce) }?.code == .expired)
            server.ledger.expectNoneLogged()
        }
    }

    @Test("kid-rotated: a token signed by a key published after the client's JWKS fetch costs exactly one refetch; forged kids cost none within the cool-down")
    func unknownKidRefetch() async throws {
        let transport = CountingTransport()
        try await TestServer.withOIDCClient(transport: transport) { server, _, oidc in
            let jwksPath = "/.well-known/jwks.json"

            _ = try await server.signIn(with: oidc)
            #expect(transport.count(.get, jwksPath) == 1)
            _ = try await server.signIn(with: oidc)
            #expect(transport.count(.get, jwksPath) == 1, "the key set is cached")

            // Twice: the first promotes the key already published (and cached); the second, one published since.
            try await server.provider.administration.rotateKeys(.rs256)
            let newKid = try #require(try await server.provider.administration.rotateKeys(.rs256))
            let tokens = try await server.signIn(with: oidc)
            #expect(transport.count(.get, jwksPath) == 2, "exactly one refetch for the new kid")
            let headerPart = try #require(tokens.idToken?.unredacted.split(separator: ".").first)
            let header = try #require(Base64URL.decode(String(headerPart)))
            #expect(String(decoding: header, as: UTF8.self).contains(newKid))

            var parts = try #require(tokens.idToken).unredacted.split(separator: ".").map(String.init)
            parts[0] = Base64URL.encode(Array(#"{"alg":"RS256","kid":"forged-kid","typ":"JWT"}"#.utf8))
            let forged = Secret(parts.joined(separator: "."))
            for _ in 0..<5 {
                #expect(await thrown(ClientError.self) { _ = try await oidc.validateIDToken(forged, nonce: nil) }?.code == .keyNotFound)
            }
            #expect(transport.count(.get, jwksPath) == 2, "no refetch within the cool-down")
            server.clock.advance(by: 31)
            #expect(await thrown(ClientError.self) { _ = try await oidc.validateIDToken(forged, nonce: nil) }?.code == .keyNotFound)
            #expect(transport.count(.get, jwksPath) == 3, "one more once the cool-down has passed")
            #expect(transport.count(.get, "/.well-known/openid-configuration") == 1, "discovery is cached too")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("50 concurrent refreshes of one session make exactly one request to the provider, and the family stays alive")
    func concurrentRefreshes() async throws {
        let transport = CountingTransport()
        try await TestServer.withOIDCClient(transport: transport) { server, _, oidc in
            let tokens = try await server.signIn(with: oidc)
            #expect(transport.count(.post, "/oauth/token") == 1)

            let results = try await withThrowingTaskGroup(of: TokenSet.self) { group in
                for _ in 0..<50 { group.addTask { try await oidc.refresh(tokens) } }
                return try await group.reduce(into: [TokenSet]()) { $0.append($1) }
            }
            #expect(transport.count(.post, "/oauth/token") == 2, "one exchange, one refresh")
            #expect(results.count == 50)
            let rotated = try #require(results.first?.refreshToken)
            #expect(results.allSatisfy { $0.refreshToken == rotated && $0.accessToken == results[0].accessToken })
            results.forEach { server.ledger.record($0.response) }

            // Had any of the 50 replayed the old token, reuse detection would have revoked the family.
            let next = try await oidc.refresh(try #require(results.first))
            server.ledger.record(next.response)
            #expect(try await oidc.userInfo(for: next).subject == tokens.idTokenClaims?.subject)
            server.ledger.expectNoneLogged()
        }
    }

    // MARK: the edges

    @Test("timeouts and unreachable providers are typed errors, within the configured deadline")
    func timeoutsAndConnectionFailures() async throws {
        let listener = SilentListener()
        defer { listener.close() }
        let metadata = ProviderMetadata(
            issuer: "http://127.0.0.1:\(listener.port)", authorizationEndpoint: "http://127.0.0.1:\(listener.port)/authorize",
            tokenEndpoint: "http://127.0.0.1:\(listener.port)/oauth/token", jwksURI: "http://127.0.0.1:\(listener.port)/jwks")
        LogCapture.installed
        let ledger = SecretLedger()
        let secret = Secret.random()
        ledger.record(secret)
        var configuration = ClientConfiguration(clientID: "app", clientSecret: secret, redirectURI: TestServer.redirectURI)
        configuration.requestTimeout = .milliseconds(300)
        let oidc = OIDCClient(provider: .metadata(metadata), configuration: configuration)
        let request = try await oidc.authorizationRequest()
        [request.pending.state, request.pending.codeVerifier].forEach(ledger.record)
        let callback = try AuthorizationCallback.validate(query: "code=c&state=\(request.pending.state.unredacted)",
                                                          pending: request.pending, metadata: metadata)
        let started = ContinuousClock.now
        #expect(await thrown(ClientError.self) { _ = try await oidc.exchangeCode(callback, pending: request.pending) }?.code == .timeout)
        #expect(ContinuousClock.now - started < .seconds(5))

        let closed = "http://127.0.0.1:\(freeLoopbackPort())"
        #expect(await thrown(ClientError.self) { _ = try await OIDCClient.discover(issuer: closed, configuration: configuration) }?.code
                == .transportFailed)
        ledger.expectNoneLogged()
    }

    @Test("logout URLs: Tessera advertises no end_session_endpoint yet (a typed error), and Auth0's /v2/logout is built on the issuer")
    func logoutURLs() async throws {
        try await TestServer.with { server in
            let client = try await server.addClient()
            let oidc = try await server.oidcClient(for: client)
            #expect(await thrown(ClientError.self) { _ = try await oidc.endSessionURL(idTokenHint: nil) }?.code == .endpointNotAdvertised)
            let auth0 = try await oidc.auth0LogoutURL(returnTo: "http://localhost:3000/")
            #expect(auth0.absoluteString == server.baseURL + "/v2/logout?client_id=\(client.id)&returnTo=http%3A%2F%2Flocalhost%3A3000%2F")
            server.ledger.expectNoneLogged()
        }
    }
}
