import Foundation
import Synchronization
import TesseraClient
import Testing
import TesseraCore
import TesseraServer

/// A transport that counts what it sends, by method and path, around the real one: how the tests
/// prove "exactly one JWKS refetch" and "one token request for fifty refreshes".
final class CountingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let counts = Mutex<[String: Int]>([:])

    init(_ base: any HTTPTransport = AsyncHTTPClientTransport()) {
        self.base = base
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        counts.withLock { $0["\(request.method.rawValue) \(request.url.path)", default: 0] += 1 }
        return try await base.send(request)
    }

    /// How many requests went to `path` with `method`.
    func count(_ method: TransportRequest.Method, _ path: String) -> Int {
        counts.withLock { $0["\(method.rawValue) \(path)"] ?? 0 }
    }
}

extension TestServer {
    /// A TesseraClient for `client`, discovered from this server, on the server's clock.
    func oidcClient(for client: RegisteredClient, authentication: ClientAuthentication? = nil,
                    transport: any HTTPTransport = AsyncHTTPClientTransport(),
                    configure: (inout ClientConfiguration) -> Void = { _ in }) async throws -> OIDCClient {
        var configuration = ClientConfiguration(clientID: client.id, clientSecret: client.secret,
                                                redirectURI: TestServer.redirectURI, authentication: authentication)
        configure(&configuration)
        let clock = self.clock
        return try await OIDCClient.discover(issuer: baseURL, configuration: configuration, transport: transport,
                                             now: { Date(timeIntervalSince1970: TimeInterval(clock.wallClock.now())) })
    }

    /// A user's login through the real HTML form, driven by `oidc`: the authorization request,
    /// the browser's trip through /authorize and /login, and the callback's raw query.
    func login(with oidc: OIDCClient, scope: Scope = "openid profile email offline_access",
               browser: Browser = Browser()) async throws -> (query: String, pending: PendingAuthorization) {
        let request = try await oidc.authorizationRequest(scope: scope)
        ledger.record(request.pending.codeVerifier)
        ledger.record(request.pending.state)
        let callback = try await authorize(browser, authorizeURL: request.url.absoluteString)
        return (FormURLEncoding.encode(callback.map { (name: $0.key, value: $0.value) }), request.pending)
    }

    /// A full login and code exchange through `oidc`, every token recorded for the log scan.
    func signIn(with oidc: OIDCClient, scope: Scope = "openid profile email offline_access") async throws -> TokenSet {
        let (query, pending) = try await login(with: oidc, scope: scope)
        let tokens = try await oidc.handleCallback(query: query, pending: pending)
        ledger.record(tokens.response)
        return tokens
    }
}

/// The error `body` throws, if it is an `E`; an issue is recorded when it throws nothing or
/// something else, so `#expect(await thrown(ClientError.self) { … }?.code == .expired)` reads as
/// one expectation.
func thrown<E: Error>(_ type: E.Type, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> E? {
    await #expect(throws: E.self, sourceLocation: sourceLocation) { try await body() }
}

extension OAuthError {
    /// Whether this is the provider's `code`, sent with HTTP `status`.
    func `is`(_ code: Code, status: Int) -> Bool {
        self.code == code && self.status == status
    }
}

extension TestServer {
    /// A fresh server with Alice signed up and one client registered, and a TesseraClient for that
    /// client discovered from the server.
    static func withOIDCClient(
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        isPublic: Bool = false,
        redirectURIs: [String] = [TestServer.redirectURI],
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        _ body: (TestServer, RegisteredClient, OIDCClient) async throws -> Void
    ) async throws {
        try await with(.sqlite, configure: configure) { server in
            let client = try await server.addClient(isPublic: isPublic, redirectURIs: redirectURIs)
            try await server.addUser()
            try await body(server, client, try await server.oidcClient(for: client, transport: transport))
        }
    }
}
