import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// What the client does with what the real provider returns when something is off: a tampered or
/// misdirected id_token, a rotated signing key, fifty refreshes at once, a provider that hangs.
@Suite("TesseraClient: id_token attacks, key rotation, concurrency and timeouts")
struct ClientKeysAndConcurrencyTests {
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
        // The deadline is 300 ms; the bound only proves the call does not wait for the silent peer
        // (which never answers), with room for a machine busy running the whole suite.
        #expect(ContinuousClock.now - started < .seconds(30))

        let closed = "http://127.0.0.1:\(freeLoopbackPort())"
        #expect(await thrown(ClientError.self) { _ = try await OIDCClient.discover(issuer: closed, configuration: configuration) }?.code
                == .transportFailed)
        ledger.expectNoneLogged()
    }
}
