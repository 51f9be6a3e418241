import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// TesseraClient against the real provider on a loopback port: the seed's whole exchange, done by
/// the library, once per client-authentication method, plus the callback and logout edges. The
/// refusals and the attacks have their own files (ClientTokenErrorTests, ClientKeysAndConcurrencyTests).
@Suite("TesseraClient against the provider")
struct ClientAgainstProviderTests {
    static let methods: [ClientAuthentication] = [.clientSecretBasic, .clientSecretPost, .clientSecretJSON]

    @Test("the full flow: discovery → login → callback → exchange → id_token → userinfo → refresh → revoke", arguments: methods)
    func fullFlow(authentication: ClientAuthentication) async throws {
        try await TestServer.with(.sqlite) { server in
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

    @Test("logout: the end-session URL ends the provider session and returns to the registered URI; Auth0's /v2/logout is built on the issuer")
    func logoutURLs() async throws {
        try await TestServer.with(.sqlite) { server in
            let afterLogout = "http://localhost:3000/goodbye"
            let client = try await server.addClient(postLogoutRedirectURIs: [afterLogout])
            try await server.addUser()
            let oidc = try await server.oidcClient(for: client)
            let browser = Browser()
            let (query, pending) = try await server.login(with: oidc, browser: browser)
            let tokens = try await oidc.handleCallback(query: query, pending: pending)
            server.ledger.record(tokens.response)

            let logout = try await oidc.endSessionURL(idTokenHint: tokens.response.idToken, postLogoutRedirectURI: afterLogout, state: "bye")
            #expect(logout.absoluteString.hasPrefix(server.url("/oidc/logout?")))
            let response = try await browser.get(logout.absoluteString)
            #expect(response.status == 302)
            #expect(response.location == afterLogout + "?state=bye")
            #expect(browser.cookie("tessera_session") == nil)

            let auth0 = try await oidc.auth0LogoutURL(returnTo: "http://localhost:3000/")
            #expect(auth0.absoluteString == server.baseURL + "/v2/logout?client_id=\(client.id)&returnTo=http%3A%2F%2Flocalhost%3A3000%2F")
            server.ledger.expectNoneLogged()
        }
    }
}
