import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Testing
import TesseraClient
import TesseraCore
import TesseraServer

/// The README's protected API (``ReadmeProtectedAPI``), with an identifier that is its own
/// loopback URL, as an MCP server's is: its 401s point at its RFC 9728 metadata, which names the
/// provider.
struct SelfDescribingAPI {
    let resource: String
    private let application: RunningApplication

    static let scope = "read:messages"

    static func with<Result>(_ server: TestServer, _ body: (SelfDescribingAPI) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "tessera.test.mcp-api")
        logger.logLevel = .trace
        let api = try await RunningApplication.onFreePort { port in
            let resource = "http://127.0.0.1:\(port)/messages"
            _ = try await server.provider.administration.addAPI(identifier: resource, name: "Messages (MCP)", scopes: Scope(scope))
            let router = try await ReadmeProtectedAPI.router(issuer: server.baseURL, api: resource)
            let application = try await RunningApplication.start(logger: logger) { onRunning in
                Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                            onServerRunning: { _ in onRunning() }, logger: logger)
            }
            return SelfDescribingAPI(resource: resource, application: application)
        }
        return try await using(api, stop: { await $0.application.stop() }, body)
    }
}

@Suite("MCP authorization: an agent that meets an API first")
struct MCPAuthorizationFlowTests {
    /// A native agent's loopback redirect (RFC 8252 §7.3); nothing listens there: the test reads
    /// the code from the provider's redirect.
    static let redirectURI = "http://127.0.0.1:53682/callback"

    @Test("MCP flow end to end: the API's 401 → its RFC 9728 metadata → the provider's discovery → RFC 7591 registration → consent → code with PKCE and RFC 8707 resource → the API answers",
          arguments: TestEngine.all)
    func agentMeetsAnAPI(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.registration.mode = .open }) { server in
            let user = try await server.addUser()
            try await SelfDescribingAPI.with(server) { api in
                let transport = AsyncHTTPClientTransport()

                // 1. Without a token the API answers 401 and says where it describes itself.
                let unauthorized = try await send(.GET, api.resource)
                #expect(unauthorized.status == 401)
                let metadataURL = try #require(ResourceDiscovery.metadataURL(wwwAuthenticate: unauthorized.header("WWW-Authenticate")),
                                               "no resource_metadata in \(unauthorized.header("WWW-Authenticate") ?? "nil")")
                let metadata = try ResourceDiscovery.process(try await transport.send(ResourceDiscovery.request(metadataURL)),
                                                             expectedResource: api.resource)
                let issuer = try #require(metadata.authorizationServers?.first)
                #expect(metadata.scopesSupported == [SelfDescribingAPI.scope])

                // 2. The provider, found from the API's metadata, advertises registration.
                let provider = try Discovery.process(try await transport.send(Discovery.request(issuer: issuer)), expectedIssuer: issuer)
                let registrationEndpoint = try #require(provider.registrationEndpoint, "discovery advertises no registration_endpoint")

                // 3. The agent registers itself: a public native client.
                let registered = try DynamicClientRegistration.process(try await transport.send(DynamicClientRegistration.request(
                    endpoint: registrationEndpoint,
                    metadata: .init(clientName: "Agent", redirectURIs: [Self.redirectURI], tokenEndpointAuthMethod: "none"))))
                #expect(registered.clientSecret == nil)
                if let token = registered.registrationAccessToken { server.ledger.record(token) }

                // 4. The user logs in and consents; the code comes back; PKCE and resource go with it.
                let oidc = try await OIDCClient.discover(
                    issuer: issuer,
                    configuration: ClientConfiguration(clientID: registered.clientID, clientSecret: nil, redirectURI: Self.redirectURI,
                                                       authentication: ClientAuthentication.none),
                    transport: transport,
                    now: { Date(timeIntervalSince1970: TimeInterval(server.clock.wallClock.now())) })
                let request = try await oidc.authorizationRequest(scope: Scope("openid \(SelfDescribingAPI.scope)"),
                                                                  additionalParameters: [("resource", api.resource)])
                server.ledger.record(request.pending.codeVerifier)
                // Pushed (RFC 9126), since discovery advertises PAR. The client is public, so the
                // provider refuses it without PKCE: a code coming back proves the challenge was sent.
                let browser = Browser()
                let consentPage = try await server.logIn(browser, request.url.absoluteString)
                #expect(consentPage.body.contains("Agent"), "a registered client is third-party: its users are asked")
                let redirect = try await server.decide(browser, on: consentPage, "approve")
                #expect(redirect.location?.hasPrefix(Self.redirectURI) == true, "\(redirect.status) \(redirect.location ?? "")")
                let callback = redirect.locationQuery
                let tokens = try await oidc.handleCallback(query: FormURLEncoding.encode(callback.map { ($0.key, $0.value) }),
                                                           pending: request.pending)
                server.ledger.record(tokens.response)
                #expect(tokens.response.scope?.contains(SelfDescribingAPI.scope) == true)

                // 5. The API accepts the token and knows the user.
                let answer = try await send(.GET, api.resource, headers: [("Authorization", "Bearer \(tokens.response.accessToken.unredacted)")])
                #expect(answer.status == 200, "\(answer.status) \(answer.header("WWW-Authenticate") ?? "") \(answer.body)")
                #expect(answer.body == "hello \(user.id)")
            }
            server.ledger.expectNoneLogged()
        }
    }
}
