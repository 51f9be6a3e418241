import Foundation
import Testing
import TesseraClient
import TesseraCore

@Suite("Token endpoint: the seed's POST and its answers")
struct TokenEndpointTests {
    let fixture = Fixture()
    let tokenRequest = TokenRequest.authorizationCode(code: Secret("the-code"), redirectURI: Fixture.redirectURI,
                                                      codeVerifier: Secret("the-verifier"))

    @Test("client_secret_basic: id and secret form-urlencoded before base64 (RFC 6749 §2.3.1), the rest in a form body")
    func clientSecretBasic() throws {
        let request = try TokenEndpoint.request(tokenRequest, metadata: fixture.metadata, configuration: fixture.configuration)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == Fixture.tokenEndpoint)
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        let authorization = try #require(request.authorization?.unredacted)
        let decoded = String(decoding: try #require(Data(base64Encoded: String(authorization.dropFirst("Basic ".count)))), as: UTF8.self)
        #expect(decoded == "client-abc:s3cr%3At%2B%2F%3D%C3%BC+secret")
        #expect(request.formBody == ["grant_type": "authorization_code", "code": "the-code",
                                  "redirect_uri": Fixture.redirectURI, "code_verifier": "the-verifier"])
        #expect(!request.url.absoluteString.contains("the-code"), "nothing secret in the URL")
    }

    @Test("client_secret_post: client_id and client_secret in the form body, no Authorization header")
    func clientSecretPost() throws {
        var fixture = self.fixture
        fixture.configuration.authentication = .clientSecretPost
        let request = try TokenEndpoint.request(tokenRequest, metadata: fixture.metadata, configuration: fixture.configuration)
        #expect(request.authorization == nil)
        #expect(request.formBody["client_id"] == TestIssuer.clientID)
        #expect(request.formBody["client_secret"] == Fixture.secret.unredacted)
        #expect(request.formBody["code_verifier"] == "the-verifier")
    }

    @Test("client_secret_json: the seed's JSON body, in the seed's order")
    func clientSecretJSON() throws {
        var fixture = self.fixture
        fixture.configuration.authentication = .clientSecretJSON
        let request = try TokenEndpoint.request(tokenRequest, metadata: fixture.metadata, configuration: fixture.configuration)
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.authorization == nil)
        let body = try #require(request.body?.unredacted)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
        #expect(object == ["grant_type": "authorization_code", "client_id": TestIssuer.clientID,
                           "client_secret": Fixture.secret.unredacted, "code": "the-code",
                           "redirect_uri": Fixture.redirectURI, "code_verifier": "the-verifier"])
        #expect(body.hasPrefix(#"{"grant_type":"authorization_code","client_id":"client-abc","client_secret":"#))
    }

    @Test("a public client sends its client_id and no secret; a secret method without a secret is a configuration error")
    func publicClientAndMissingSecret() async throws {
        var configuration = ClientConfiguration(clientID: "public-app", clientSecret: nil, redirectURI: Fixture.redirectURI)
        #expect(configuration.authentication == .none)
        let request = try TokenEndpoint.request(tokenRequest, metadata: fixture.metadata, configuration: configuration)
        #expect(request.formBody["client_id"] == "public-app")
        #expect(request.formBody["client_secret"] == nil)
        #expect(request.authorization == nil)
        configuration.authentication = .clientSecretBasic
        await expectClientError(.invalidConfiguration) {
            _ = try TokenEndpoint.request(tokenRequest, metadata: fixture.metadata, configuration: configuration)
        }
    }

    @Test("a request prints as its method and URL: no code, secret or verifier")
    func requestsPrintNoSecrets() throws {
        var fixture = self.fixture
        fixture.configuration.authentication = .clientSecretPost
        let request = try TokenEndpoint.request(tokenRequest, metadata: fixture.metadata, configuration: fixture.configuration)
        let printed = "\(request) \(String(reflecting: request))"
        for secret in ["the-code", "the-verifier", Fixture.secret.unredacted] {
            #expect(!printed.contains(secret))
        }
    }

    // MARK: responses

    @Test("a 200 is the seed's JSON, every token a Secret")
    func successResponse() throws {
        let tokens = try TokenEndpoint.process(.json("""
            {"access_token":"at","id_token":"it","scope":"openid profile email","expires_in":86400,"token_type":"Bearer","refresh_token":"rt"}
            """))
        #expect(tokens == TokenResponse(accessToken: Secret("at"), idToken: Secret("it"), scope: "openid profile email",
                                        expiresIn: 86400, tokenType: "Bearer", refreshToken: Secret("rt")))
    }

    @Test("every RFC 6749 §5.2 error becomes an OAuthError with its code, description, uri and HTTP status")
    func errorResponses() async throws {
        let cases: [(OAuthError.Code, Int)] = [(.invalidGrant, 400), (.invalidClient, 401), (.invalidRequest, 400),
                                               (.unauthorizedClient, 400), (.unsupportedGrantType, 400), (.invalidScope, 400),
                                               (.serverError, 500), (.temporarilyUnavailable, 503)]
        for (code, status) in cases {
            let error = await expectOAuthError(code, status: status) {
                _ = try TokenEndpoint.process(.json(#"{"error":"\#(code.rawValue)","error_description":"Why.","error_uri":"https://docs/\#(code.rawValue)"}"#, status: status))
            }
            #expect(error?.description == "Why.")
            #expect(error?.uri == "https://docs/\(code.rawValue)")
        }
    }

    @Test("malformed responses are a typed error with the status, never a crash: HTML 502, non-JSON 200, missing fields, wrong types")
    func malformedResponses() async throws {
        let html = TransportResponse(status: 502, headers: [("Content-Type", "text/html")], body: Array("<html>Bad Gateway</html>".utf8))
        let bodies: [(TransportResponse, Int)] = [
            (html, 502),
            (TransportResponse(status: 500), 500),
            (.json("not json at all"), 200),
            (.json(#"{"token_type":"Bearer"}"#), 200),
            (.json(#"{"access_token":"at"}"#), 200),
            (.json(#"{"access_token":42,"token_type":"Bearer"}"#), 200),
            (.json(#"{"access_token":"at","token_type":"Bearer","expires_in":"soon"}"#), 200),
            (.json(#"{"access_token":"","token_type":"Bearer"}"#), 200),
            (.json(#"["access_token"]"#), 200),
            (.json(#"{"message":"nope"}"#, status: 400), 400),
        ]
        for (response, status) in bodies {
            do {
                _ = try TokenEndpoint.process(response)
                Issue.record("accepted a malformed response: \(response)")
            } catch let error as ClientError {
                #expect(error.code == .malformedResponse)
                #expect(error.status == status)
            }
        }
    }

    // MARK: through the client

    @Test("exchangeCode sends the seed's POST and returns validated tokens")
    func exchangeCode() async throws {
        let pending = try fixture.pending()
        try await fixture.serveTokens(nonce: pending.nonce.unredacted)
        let tokens = try await fixture.client().exchangeCode(AuthorizationCallback.validate(
            query: "code=xyz&state=\(pending.state.unredacted)&iss=\(FormURLEncoding.escape(TestIssuer.issuer))",
            pending: pending, metadata: fixture.metadata), pending: pending)
        #expect(tokens.accessToken == Secret("access-1"))
        #expect(tokens.refreshToken == Secret("refresh-1"))
        #expect(tokens.idTokenClaims?.subject == "user-1")
        #expect(tokens.expiresAt == fixture.now.addingTimeInterval(86400))
        let sent = try #require(fixture.transport.requests(to: Fixture.tokenEndpoint).first)
        #expect(sent.formBody["code"] == "xyz")
        #expect(sent.formBody["code_verifier"] == pending.codeVerifier.unredacted)
        #expect(sent.formBody["redirect_uri"] == Fixture.redirectURI)
    }

    @Test("exchangeCode refuses an id_token answering another session's nonce, and a response without the id_token openid promised")
    func exchangeCodeChecksIDToken() async throws {
        let pending = try fixture.pending()
        let callback = try AuthorizationCallback.validate(query: "code=xyz&state=\(pending.state.unredacted)",
                                                          pending: pending, metadata: fixture.metadata, issuerParameter: .skipIssuerParameterCheck)
        try await fixture.serveTokens(nonce: "another-session")
        await expectClientError(.invalidNonce) { _ = try await fixture.client().exchangeCode(callback, pending: pending) }

        fixture.transport.on(Fixture.tokenEndpoint, json: #"{"access_token":"at","token_type":"Bearer","scope":"openid"}"#)
        await expectClientError(.missingIDToken) { _ = try await fixture.client().exchangeCode(callback, pending: pending) }
    }

    @Test("oidcc-max-age-1 through the client: max_age sent in the request is kept with the pending login and checked at the exchange")
    func exchangeCodeChecksMaxAge() async throws {
        let request = try AuthorizationRequest.build(metadata: fixture.metadata, configuration: fixture.configuration,
                                                     additionalParameters: [("max_age", "60")], now: fixture.now)
        let pending = try JSONDecoder().decode(PendingAuthorization.self, from: try JSONEncoder().encode(request.pending))
        #expect(pending.maxAge == .seconds(60), "the stored session form keeps max_age")
        let callback = try AuthorizationCallback.validate(query: "code=xyz&state=\(pending.state.unredacted)",
                                                          pending: pending, metadata: fixture.metadata, issuerParameter: .skipIssuerParameterCheck)
        try await fixture.serveTokens(nonce: pending.nonce.unredacted)
        await expectClientError(.missingAuthTime) { _ = try await fixture.client().exchangeCode(callback, pending: pending) }
        let loggedInLongAgo = Int(fixture.now.timeIntervalSince1970) - 3600
        try await fixture.serveTokens(nonce: pending.nonce.unredacted) { $0.auth_time = loggedInLongAgo }
        await expectClientError(.authenticationTooOld) { _ = try await fixture.client().exchangeCode(callback, pending: pending) }
        await expectClientError(.invalidConfiguration) {
            _ = try AuthorizationRequest.build(metadata: fixture.metadata, configuration: fixture.configuration,
                                               additionalParameters: [("max_age", "soon")])
        }
    }

    @Test("a transport error that is not a ClientError becomes .transportFailed")
    func transportErrors() async throws {
        struct Boom: Error {}
        fixture.transport.on(Fixture.tokenEndpoint) { _ in throw Boom() }
        let pending = try fixture.pending()
        let callback = try AuthorizationCallback.validate(query: "code=xyz&state=\(pending.state.unredacted)&iss=\(FormURLEncoding.escape(TestIssuer.issuer))",
                                                          pending: pending, metadata: fixture.metadata)
        await expectClientError(.transportFailed) { _ = try await fixture.client().exchangeCode(callback, pending: pending) }
    }
}
