import Foundation
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// Issue 14's whole path over real sockets: TesseraClient holding a DPoP key, the provider
/// requiring nonces, and the README's protected API (``SelfDescribingAPI``) — then a thief holding
/// copies of every token but not the key.
@Suite("DPoP end to end: client, provider and API")
struct DPoPEndToEndTests {
    @Test("RFC 9449 end to end: a client with a DPoP key logs in at a provider requiring nonces, calls the README's API, refreshes and reads /userinfo; a thief with copies of the tokens but not the key gets nothing",
          arguments: TestEngine.all)
    func clientProviderAndAPI(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.dpop.requireNonce = true }) { server in
            try await server.addUser()
            try await SelfDescribingAPI.with(server) { api in
                // A public client: its refresh token is bound to the key as well (RFC 9449 §5).
                let client = try await server.addClient(isPublic: true)
                try await server.grant(client, api.resource, scopes: Scope(SelfDescribingAPI.scope))
                let oidc = try await server.oidcClient(for: client) { $0.dpop = .es256 }
                let key = try #require(oidc.dpopKey)

                let request = try await oidc.authorizationRequest(scope: Scope("openid offline_access \(SelfDescribingAPI.scope)"),
                                                                  additionalParameters: [("audience", api.resource)])
                server.ledger.record(request.pending.codeVerifier)
                let callback = try await server.authorize(Browser(), authorizeURL: request.url.absoluteString)
                let tokens = try await oidc.handleCallback(query: FormURLEncoding.encode(callback.map { (name: $0.key, value: $0.value) }),
                                                           pending: request.pending)
                server.ledger.record(tokens.response)
                #expect(tokens.tokenType == "DPoP")
                #expect(tokens.dpopKeyThumbprint == key.thumbprint)

                // The API takes the bound token with a proof of the key.
                let apiURL = try #require(URL(string: api.resource))
                let answer = try await oidc.send(TransportRequest(method: .get, url: apiURL), with: tokens)
                #expect(answer.status == 200)
                #expect(String(decoding: answer.body, as: UTF8.self).hasPrefix("hello "))

                // The thief's copy of the access token: as Bearer, and with proofs of its own key.
                let token = tokens.accessToken.unredacted
                let asBearer = try await send(.GET, api.resource, headers: [("Authorization", "Bearer \(token)")])
                #expect(asBearer.status == 401)
                #expect(asBearer.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
                let thief = DPoPKey.generate(.es256)
                let withThiefKey = try await send(.GET, api.resource, headers: [
                    ("Authorization", "DPoP \(token)"),
                    ("DPoP", try thief.proof(method: "GET", url: api.resource, accessToken: tokens.accessToken, issuedAt: server.now())),
                ])
                #expect(withThiefKey.status == 401)
                #expect(withThiefKey.header("WWW-Authenticate")?.contains(#"error="invalid_dpop_proof""#) == true)

                // The thief's copy of the refresh token, without the key: refused once the thief has
                // learnt the nonce like any client, and nothing rotated (the holder refreshes below).
                let refreshToken = try #require(tokens.refreshToken?.unredacted)
                func theft(nonce: String?) async throws -> HTTPResult {
                    try await send(.POST, server.baseURL + "/oauth/token", headers: [
                        ("Content-Type", "application/x-www-form-urlencoded"),
                        ("DPoP", try server.tokenProof(thief, nonce: nonce)),
                    ], body: FormURLEncoding.encode([("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                                                     ("client_id", client.id)]))
                }
                let firstTry = try await theft(nonce: nil)
                #expect(firstTry.json["error"] as? String == "use_dpop_nonce")
                let nonce: String = try #require(firstTry.header("DPoP-Nonce"), "use_dpop_nonce without a DPoP-Nonce header")
                let stolen = try await theft(nonce: nonce)
                #expect(stolen.status == 400)
                #expect(stolen.json["error"] as? String == "invalid_dpop_proof")

                // The holder refreshes (nonces handled by the client), and the new token works too.
                let refreshed = try await oidc.refresh(tokens)
                server.ledger.record(refreshed.response)
                #expect(refreshed.dpopKeyThumbprint == key.thumbprint)
                #expect(try await oidc.send(TransportRequest(method: .get, url: apiURL), with: refreshed).status == 200)
                let userInfo = try await oidc.userInfo(for: refreshed)
                #expect(userInfo.subject == String(String(decoding: answer.body, as: UTF8.self).dropFirst("hello ".count)))
                server.ledger.expectNoneLogged()
            }
        }
    }
}
