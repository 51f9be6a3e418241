import Foundation
import Testing
import TesseraClient
import TesseraCore

/// The client side of DPoP (RFC 9449) against a fake provider: every proof a request carries is
/// checked with the foundation's `DPoPProofValidator`, as the provider and resource servers do.
@Suite("DPoP client: proofs on token, refresh, userinfo and API requests; nonce retries")
struct DPoPClientTests {
    var fixture = Fixture()
    static let apiURL = "https://api.example/orders"

    init() {
        fixture.configuration.dpop = .es256
    }

    /// The checked proof a request carries, for `method` and `url` (and `accessToken`'s `ath`).
    func proof(in request: TransportRequest, method: String, url: String, accessToken: Secret? = nil,
               boundTo thumbprint: String? = nil) throws -> DPoPProof {
        let proofs = request.headers.filter { $0.name == "DPoP" }
        #expect(proofs.count == 1, "one DPoP header")
        return try DPoPProofValidator.validate(try #require(proofs.first?.value), method: method, url: url,
                                               accessToken: accessToken, boundTo: thumbprint, now: fixture.now)
    }

    /// The token endpoint answering DPoP-bound tokens (`access-N`, `refresh-N`), counting its requests.
    @discardableResult
    func serveDPoPTokens(tokenType: String = "DPoP", answer: (@Sendable (Int, TransportRequest) -> TransportResponse?)? = nil) -> Counter {
        let count = Counter()
        fixture.transport.on(Fixture.tokenEndpoint) { request in
            let n = count.increment()
            if let answer, let response = answer(n, request) { return response }
            return .json(#"{"access_token":"access-\#(n)","token_type":"\#(tokenType)","expires_in":3600,"refresh_token":"refresh-\#(n)"}"#)
        }
        return count
    }

    /// A token endpoint's `400 use_dpop_nonce`, offering `nonce`.
    static func nonceRefusal(_ nonce: String) -> TransportResponse {
        TransportResponse(status: 400, headers: [("Content-Type", "application/json"), ("DPoP-Nonce", nonce)],
                          body: Array(#"{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof"}"#.utf8))
    }

    /// A code exchange by `client` of a login that asked for no id_token.
    func exchange(_ client: OIDCClient) async throws -> TokenSet {
        let pending = try fixture.pending(scope: "profile")
        let callback = try AuthorizationCallback.validate(query: "code=xyz&state=\(pending.state.unredacted)", pending: pending,
                                                          metadata: fixture.metadata, issuerParameter: .skipIssuerParameterCheck)
        return try await client.exchangeCode(callback, pending: pending)
    }

    /// Tokens as a DPoP code exchange by `client` would have left them.
    func boundTokens(_ client: OIDCClient, accessToken: String = "access-0") -> TokenSet {
        TokenSet(response: TokenResponse(accessToken: Secret(accessToken), expiresIn: 3600, tokenType: "DPoP", refreshToken: Secret("refresh-0")),
                 idTokenClaims: nil, receivedAt: fixture.now, dpopKeyThumbprint: client.dpopKey?.thumbprint)
    }

    @Test("RFC 9449 §5: the code exchange carries one DPoP proof for POST and the token endpoint, signed by the client's key; the tokens remember the binding")
    func exchangeCarriesProof() async throws {
        let client = fixture.client()
        let key = try #require(client.dpopKey)
        #expect(key.algorithm == .es256)
        serveDPoPTokens()
        let tokens = try await exchange(client)
        let sent = try #require(fixture.transport.requests(to: Fixture.tokenEndpoint).first)
        let proof = try proof(in: sent, method: "POST", url: Fixture.tokenEndpoint)
        #expect(proof.thumbprint == key.thumbprint)
        #expect(proof.nonce == nil)
        #expect(tokens.isDPoPBound)
        #expect(tokens.tokenType == "DPoP")
        #expect(tokens.dpopKeyThumbprint == key.thumbprint)
    }

    @Test("RFC 9449 §10: the authorization request names the client's key as dpop_jkt, binding the code to it; none without DPoP")
    func authorizationRequestBindsCode() async throws {
        let client = fixture.client()
        let request = try await client.authorizationRequest()
        #expect(queryFields(request.url)["dpop_jkt"] == client.dpopKey?.thumbprint)
        #expect(queryFields(try await client.withDPoPKey(nil).authorizationRequest().url)["dpop_jkt"] == nil)
        let own = try await client.authorizationRequest(additionalParameters: [("dpop_jkt", "app-chosen")])
        #expect(queryFields(own.url)["dpop_jkt"] == "app-chosen")
    }

    @Test("RFC 9449 §5: a provider without DPoP answers Bearer; the tokens are plain bearer tokens and go out as Bearer")
    func providerWithoutDPoP() async throws {
        let client = fixture.client()
        serveDPoPTokens(tokenType: "Bearer")
        let tokens = try await exchange(client)
        #expect(!tokens.isDPoPBound)
        #expect(tokens.dpopKeyThumbprint == nil)
        let headers = try await client.authorizationHeaders(method: "GET", url: URL(string: Self.apiURL)!, tokens: tokens)
        #expect(headers.authorization == Secret("Bearer access-1"))
        #expect(headers.dpop == nil)
    }

    @Test("RFC 9449 §5: refreshing DPoP-bound tokens proves the same key, and the new tokens stay bound to it")
    func refreshKeepsBinding() async throws {
        let client = fixture.client()
        serveDPoPTokens()
        let refreshed = try await client.refresh(boundTokens(client))
        let sent = try #require(fixture.transport.requests(to: Fixture.tokenEndpoint).first)
        #expect(try proof(in: sent, method: "POST", url: Fixture.tokenEndpoint, boundTo: client.dpopKey?.thumbprint).jti.isEmpty == false)
        #expect(refreshed.isDPoPBound)
        #expect(refreshed.dpopKeyThumbprint == client.dpopKey?.thumbprint)
        #expect(refreshed.accessToken == Secret("access-1"))
    }

    @Test("DPoP-bound tokens and a client without their key: refused before anything is sent, with a reason")
    func boundTokensNeedTheirKey() async throws {
        let tokens = boundTokens(fixture.client())
        var other = fixture
        other.configuration.dpop = nil
        await expectClientError(.invalidConfiguration) { _ = try await other.client().refresh(tokens) }
        other.configuration.dpop = .es256
        await expectClientError(.invalidConfiguration) { _ = try await other.client().refresh(tokens) }
        await expectClientError(.invalidConfiguration) {
            _ = try await other.client().authorizationHeaders(method: "GET", url: URL(string: Self.apiURL)!, tokens: tokens)
        }
        #expect(fixture.transport.requests(to: Fixture.tokenEndpoint).isEmpty)
    }

    @Test("an injected key is the one that signs: its thumbprint is the proof's jkt, so a persisted key survives a restart")
    func injectedKey() async throws {
        let persisted = try DPoPKey(exported: DPoPKey.generate(.edDSA).exported)   // as an app stores and reloads it
        var restarted = fixture
        restarted.configuration.dpop = .key(persisted)
        let client = restarted.client()
        #expect(client.dpopKey?.thumbprint == persisted.thumbprint)
        serveDPoPTokens()
        _ = try await client.refresh(boundTokens(client))
        let sent = try #require(fixture.transport.requests(to: Fixture.tokenEndpoint).first)
        #expect(try proof(in: sent, method: "POST", url: Fixture.tokenEndpoint).thumbprint == persisted.thumbprint)
    }

    @Test("a generated key belongs to one client: two clients from one configuration hold two keys")
    func generatedKeysDiffer() {
        #expect(fixture.client().dpopKey?.thumbprint != fixture.client().dpopKey?.thumbprint)
        #expect(fixture.client().withDPoPKey(nil).dpopKey == nil)
    }

    @Test("RFC 9449 §8: the token endpoint's use_dpop_nonce is retried exactly once, with a fresh proof carrying its nonce")
    func tokenEndpointNonceRetry() async throws {
        let client = fixture.client()
        let count = serveDPoPTokens { n, _ in n == 1 ? Self.nonceRefusal("nonce-A") : nil }
        let refreshed = try await client.refresh(boundTokens(client))
        #expect(count.count == 2)
        let sent = fixture.transport.requests(to: Fixture.tokenEndpoint)
        let first = try proof(in: sent[0], method: "POST", url: Fixture.tokenEndpoint)
        let second = try proof(in: sent[1], method: "POST", url: Fixture.tokenEndpoint)
        #expect(first.nonce == nil)
        #expect(second.nonce == "nonce-A")
        #expect(first.jti != second.jti, "a fresh proof, not the first one replayed")
        #expect(sent[0].body == sent[1].body)
        #expect(refreshed.accessToken == Secret("access-2"))
    }

    @Test("RFC 9449 §8: a retry refused again is not retried again: the provider's use_dpop_nonce is the answer, after two requests")
    func tokenEndpointNoLoop() async throws {
        let client = fixture.client()
        let count = serveDPoPTokens { n, _ in Self.nonceRefusal("nonce-\(n)") }
        await expectOAuthError(.useDPoPNonce, status: 400) { _ = try await client.refresh(boundTokens(client)) }
        #expect(count.count == 2)
    }

    @Test("RFC 9449 §8.2: a nonce sent with a success is used by the next proof to that server, and never sent to another origin")
    func nonceRememberedPerOrigin() async throws {
        let client = fixture.client()
        let count = serveDPoPTokens { n, _ in
            n == 1 ? TransportResponse(status: 200, headers: [("Content-Type", "application/json"), ("DPoP-Nonce", "nonce-B")],
                                       body: Array(#"{"access_token":"access-1","token_type":"DPoP","refresh_token":"refresh-1"}"#.utf8)) : nil
        }
        let once = try await client.refresh(boundTokens(client))
        _ = try await client.refresh(once)
        #expect(count.count == 2)
        let sent = fixture.transport.requests(to: Fixture.tokenEndpoint)
        #expect(try proof(in: sent[1], method: "POST", url: Fixture.tokenEndpoint).nonce == "nonce-B")

        let headers = try await client.authorizationHeaders(method: "GET", url: URL(string: Self.apiURL)!, tokens: once)
        let apiProof = try DPoPProofValidator.validate(try #require(headers.dpop), method: "GET", url: Self.apiURL,
                                                       accessToken: once.accessToken, now: fixture.now)
        #expect(apiProof.nonce == nil, "the provider's nonce is not the API's")
    }

    @Test("RFC 9449 §7.1: userinfo with a DPoP-bound token sends Authorization: DPoP and a proof of GET /userinfo with the token's ath")
    func userInfoWithDPoP() async throws {
        let client = fixture.client()
        let tokens = boundTokens(client)
        fixture.transport.on(Fixture.userinfoEndpoint, json: #"{"sub":"user-1"}"#)
        #expect(try await client.userInfo(for: tokens).subject == "user-1")
        let sent = try #require(fixture.transport.requests(to: Fixture.userinfoEndpoint).first)
        #expect(sent.authorization == Secret("DPoP access-0"))
        _ = try proof(in: sent, method: "GET", url: Fixture.userinfoEndpoint, accessToken: tokens.accessToken,
                      boundTo: client.dpopKey?.thumbprint)
        #expect(throws: OAuthError.self, "the ath names this token, no other") {
            try proof(in: sent, method: "GET", url: Fixture.userinfoEndpoint, accessToken: Secret("another token"))
        }
    }

    @Test("RFC 9449 §9: an API's 401 WWW-Authenticate: DPoP error=\"use_dpop_nonce\" is retried once with its nonce; a second refusal is returned as it is")
    func resourceNonceRetry() async throws {
        let client = fixture.client()
        let tokens = boundTokens(client)
        let count = Counter()
        let refuseAlways = Counter()   // non-zero: the API refuses every proof
        fixture.transport.on(Self.apiURL) { request in
            let n = count.increment()
            if n == 1 || refuseAlways.count > 0 {
                return TransportResponse(status: 401, headers: [
                    ("WWW-Authenticate", #"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#),
                    ("DPoP-Nonce", "api-nonce-\(n)"),
                ])
            }
            return .json(#"{"orders":[]}"#)
        }
        let url = URL(string: Self.apiURL + "?page=2")!
        let response = try await client.send(TransportRequest(method: .get, url: url), with: tokens)
        #expect(response.status == 200)
        #expect(count.count == 2)
        let sent = fixture.transport.requests(to: Self.apiURL)
        let retried = try proof(in: sent[1], method: "GET", url: Self.apiURL, accessToken: tokens.accessToken)
        #expect(retried.nonce == "api-nonce-1")
        #expect(sent[1].url == url, "the query goes with the request, not into htu")

        refuseAlways.increment()
        let refused = try await client.send(TransportRequest(method: .get, url: url), with: tokens)
        #expect(refused.status == 401)
        #expect(count.count == 4, "one retry, never a loop")
        let later = fixture.transport.requests(to: Self.apiURL)
        #expect(try proof(in: later[2], method: "GET", url: Self.apiURL, accessToken: tokens.accessToken).nonce == "api-nonce-1",
                "the API's nonce is remembered for its next request")
        #expect(try proof(in: later[3], method: "GET", url: Self.apiURL, accessToken: tokens.accessToken).nonce == "api-nonce-3")
    }

    @Test("authorizationHeaders: a fresh proof of the method and URL for each request, carrying the nonce the app passed back from that API")
    func authorizationHeadersForOwnHTTPClient() async throws {
        let client = fixture.client()
        let tokens = boundTokens(client)
        let url = URL(string: Self.apiURL)!
        let first = try await client.authorizationHeaders(method: "delete", url: url, tokens: tokens)
        #expect(first.authorization == Secret("DPoP access-0"))
        #expect(first.fields.map(\.name) == ["Authorization", "DPoP"])
        #expect(!"\(first)".contains("access-0"), "prints without the token")
        let checked = try DPoPProofValidator.validate(try #require(first.dpop), method: "DELETE", url: Self.apiURL,
                                                      accessToken: tokens.accessToken, boundTo: client.dpopKey?.thumbprint, now: fixture.now)
        #expect(checked.nonce == nil)

        await client.rememberDPoPNonce("api-nonce", from: URL(string: "https://API.example/other")!)
        let second = try await client.authorizationHeaders(method: "GET", url: url, tokens: tokens)
        let again = try DPoPProofValidator.validate(try #require(second.dpop), method: "GET", url: Self.apiURL,
                                                    accessToken: tokens.accessToken, now: fixture.now)
        #expect(again.nonce == "api-nonce", "nonces are per origin, whatever the path or the host's case")
        #expect(again.jti != checked.jti)
    }

    @Test("bearer tokens go to an API as Bearer, with no proof, even from a client holding a key")
    func bearerTokensStayBearer() async throws {
        let client = fixture.client()
        let tokens = TokenSet(response: TokenResponse(accessToken: Secret("plain")), idTokenClaims: nil, receivedAt: fixture.now)
        fixture.transport.on(Self.apiURL, json: "{}")
        _ = try await client.send(TransportRequest(method: .get, url: URL(string: Self.apiURL)!), with: tokens)
        let sent = try #require(fixture.transport.requests(to: Self.apiURL).first)
        #expect(sent.authorization == Secret("Bearer plain"))
        #expect(sent.header("DPoP") == nil)
    }

    @Test("a TokenSet's DPoP binding survives its Codable session form")
    func bindingSurvivesStorage() throws {
        let tokens = boundTokens(fixture.client())
        let decoded = try JSONDecoder().decode(TokenSet.self, from: try JSONEncoder().encode(tokens))
        #expect(decoded.isDPoPBound)
        #expect(decoded.dpopKeyThumbprint == tokens.dpopKeyThumbprint)
    }
}
