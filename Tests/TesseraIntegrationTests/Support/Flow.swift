import Foundation
import NIOHTTP1
import Testing
import TesseraCore

/// A provider the tests drive over HTTP: the in-process ``TestServer`` or a `tessera serve`
/// process (``RemoteServer``), so that every flow helper works against either.
protocol ProviderUnderTest: Sendable {
    var baseURL: String { get }
    /// Every secret the test handed to or got from the server, for the log scan.
    var ledger: SecretLedger { get }
}

extension ProviderUnderTest {
    func url(_ path: String) -> String { baseURL + path }
}

/// The browser half of the code flow, driven over HTTP: what a user's browser does between
/// `/authorize` and the client's callback.
extension ProviderUnderTest {
    /// Authorization request parameters, with sensible defaults for a confidential client.
    func authorizeURL(client: TestServer.RegisteredClient, scope: String = "openid profile email offline_access",
                      state: String? = "state-123", nonce: String? = "nonce-456", pkce: PKCE? = nil,
                      redirectURI: String = TestServer.redirectURI, extra: [(String, String)] = []) -> String {
        var pairs: [(name: String, value: String)] = [
            ("response_type", "code"), ("client_id", client.id), ("redirect_uri", redirectURI), ("scope", scope),
        ]
        if let state { pairs.append(("state", state)) }
        if let nonce { pairs.append(("nonce", nonce)) }
        if let pkce {
            pairs.append(("code_challenge", pkce.challenge))
            pairs.append(("code_challenge_method", "S256"))
        }
        // An extra parameter replaces a default of the same name, or is added.
        for (name, value) in extra {
            if let index = pairs.firstIndex(where: { $0.name == name }) {
                pairs[index].value = value
            } else {
                pairs.append((name, value))
            }
        }
        return url("/authorize?" + FormURLEncoding.encode(pairs))
    }

    /// Logs in through the HTML form (if asked to), allows a third-party client on the consent
    /// page (if it shows one), and returns the callback's parameters.
    func authorize(_ browser: Browser, authorizeURL: String, email: String = "alice@example.com",
                   password: String = TestServer.password) async throws -> [String: String] {
        var response = try await logIn(browser, authorizeURL, email: email, password: password)
        if response.isConsentPage {
            response = try await decide(browser, on: response, "approve")
        }
        #expect(response.status == 302, "expected a redirect to the client, got \(response.status)")
        let location = try #require(response.location)
        #expect(location.hasPrefix(TestServer.redirectURI) || !location.hasPrefix(baseURL))
        let query = response.locationQuery
        if let code = query["code"] { ledger.record(Secret(code)) }
        return query
    }

    /// A code for `client`, from a fresh browser logging in.
    func code(for client: TestServer.RegisteredClient, pkce: PKCE? = nil, scope: String = "openid profile email offline_access",
              email: String = "alice@example.com", password: String = TestServer.password) async throws -> Secret {
        let query = try await authorize(Browser(), authorizeURL: authorizeURL(client: client, scope: scope, pkce: pkce),
                                        email: email, password: password)
        return Secret(try #require(query["code"], "no code in \(query)"))
    }

    /// `POST /oauth/token` with a form body and, when a secret is given, Basic authentication;
    /// `headers` are sent too (a `DPoP` proof, say).
    func token(_ pairs: [(String, String)], client: TestServer.RegisteredClient?, basic: Bool = true,
               headers extra: [(String, String)] = []) async throws -> HTTPResult {
        var pairs = pairs
        var headers = extra
        if let client {
            if basic, let secret = client.secret {
                headers.append(basicAuthorization(id: client.id, secret: secret))
            } else {
                pairs.append(("client_id", client.id))
                if let secret = client.secret { pairs.append(("client_secret", secret.unredacted)) }
            }
        }
        let form = formBody(pairs)
        let result = try await send(.POST, url("/oauth/token"), headers: headers + [form.header], body: form.body)
        recordTokens(in: result)
        return result
    }

    /// `POST /oauth/token` with a JSON body, as the seed's Node and Python code sends it.
    func tokenJSON(_ object: [String: String]) async throws -> HTTPResult {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let result = try await send(.POST, url("/oauth/token"), headers: [("Content-Type", "application/json")], body: body)
        recordTokens(in: result)
        return result
    }

    /// Exchanges a code, Basic-authenticated, form-encoded; with a `DPoP` header when a proof is given.
    func exchange(_ code: Secret, client: TestServer.RegisteredClient, verifier: Secret? = nil,
                  redirectURI: String? = TestServer.redirectURI, dpop proof: String? = nil) async throws -> HTTPResult {
        var pairs: [(String, String)] = [("grant_type", "authorization_code"), ("code", code.unredacted)]
        if let redirectURI { pairs.append(("redirect_uri", redirectURI)) }
        if let verifier { pairs.append(("code_verifier", verifier.unredacted)) }
        return try await token(pairs, client: client, headers: proof.map { [("DPoP", $0)] } ?? [])
    }

    func refresh(_ refreshToken: String, client: TestServer.RegisteredClient, scope: String? = nil,
                 dpop proof: String? = nil) async throws -> HTTPResult {
        var pairs: [(String, String)] = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if let scope { pairs.append(("scope", scope)) }
        return try await token(pairs, client: client, headers: proof.map { [("DPoP", $0)] } ?? [])
    }

    func userInfo(_ accessToken: String) async throws -> HTTPResult {
        try await send(.GET, url("/userinfo"), headers: [("Authorization", "Bearer \(accessToken)")])
    }

    private func recordTokens(in result: HTTPResult) {
        for name in ["access_token", "id_token", "refresh_token"] {
            if let value = result.json[name] as? String { ledger.record(Secret(value)) }
        }
    }
}
