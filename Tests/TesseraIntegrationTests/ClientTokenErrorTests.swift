import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// Every refusal of the real provider reaches the app as the provider's OAuthError with its RFC
/// code and HTTP status — what the seed's "Code Expiration Handling" needs to be a typed catch.
@Suite("TesseraClient: the provider's refusals, typed")
struct ClientTokenErrorTests {
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

    @Test("a wrong client secret is .invalidClient with status 401, for every authentication method", arguments: ClientAgainstProviderTests.methods)
    func wrongSecret(authentication: ClientAuthentication) async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let wrong = Secret("wrong-" + (client.secret?.unredacted ?? ""))
            server.ledger.record(wrong)
            // The token request's refusal: with a push (RFC 9126) the wrong secret would be refused
            // before the login, as ClientPushedAuthorizationTests pins.
            let oidc = try await server.oidcClient(for: client, authentication: authentication) {
                $0.clientSecret = wrong
                $0.usePushedAuthorization = false
            }
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
}
