import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing
import TesseraClient
import TesseraCore
import TesseraHummingbird
import TesseraServer

/// A Hummingbird app built on TesseraHummingbird, in-process on its own loopback port, logging in
/// through a ``TestServer``: `/` is public, `/dashboard` requires a login.
///
/// ```swift
/// try await TestRelyingParty.with { app in
///     let browser = Browser()
///     try await app.logIn(browser)
///     app.server.ledger.expectNoneLogged()
/// }
/// ```
struct TestRelyingParty: Sendable {
    let server: TestServer
    let baseURL: String
    let store: MemoryOIDCSessionStore
    let transport: CountingTransport
    let oidc: OIDCClient
    private let application: RunningApplication

    static let cookie = "tessera_rp_session"

    /// Runs `body` against a fresh app whose client is registered at a fresh ``TestServer``
    /// (``server``), stopping both afterwards.
    /// - Parameters:
    ///   - configureProvider: changes the provider's configuration (DPoP nonces, …).
    ///   - configureClient: changes the app's client configuration (`dpop`, …).
    static func with<Result>(configureProvider: (inout ProviderConfiguration) -> Void = { _ in },
                             configureClient: (inout ClientConfiguration) -> Void = { _ in },
                             _ body: (TestRelyingParty) async throws -> Result) async throws -> Result {
        try await TestServer.with(.sqlite, configure: configureProvider) { server in
            try await using(try await start(server, configureClient: configureClient), stop: { await $0.stop() }, body)
        }
    }

    static func start(_ server: TestServer, configureClient: (inout ClientConfiguration) -> Void = { _ in }) async throws -> TestRelyingParty {
        try await server.addUser()
        return try await RunningApplication.onFreePort { port in try await start(server, port: port, configureClient: configureClient) }
    }

    private static func start(_ server: TestServer, port: Int, configureClient: (inout ClientConfiguration) -> Void) async throws -> TestRelyingParty {
        let baseURL = "http://127.0.0.1:\(port)"
        let client = try await server.addClient(redirectURIs: [baseURL + "/callback"], postLogoutRedirectURIs: [baseURL + "/"])
        let transport = CountingTransport()
        var configuration = ClientConfiguration(clientID: client.id, clientSecret: client.secret, redirectURI: baseURL + "/callback")
        configuration.scope = "openid profile email offline_access"
        configureClient(&configuration)
        let clock = server.clock
        let oidc = OIDCClient(provider: .discovery(issuer: server.baseURL), configuration: configuration, transport: transport,
                              now: { Date(timeIntervalSince1970: TimeInterval(clock.wallClock.now())) })
        var loginConfiguration = OIDCLoginConfiguration()
        loginConfiguration.postLogoutRedirectURI = baseURL + "/"
        loginConfiguration.afterLoginPath = "/dashboard"
        let store = MemoryOIDCSessionStore()
        let login = OIDCLogin(client: oidc, configuration: loginConfiguration, store: store, context: BasicOIDCRequestContext.self)

        let router = Router(context: BasicOIDCRequestContext.self)
        router.add(middleware: login.sessionMiddleware)
        router.addRoutes(login.routes)
        router.get("/") { _, context in context.oidc.claims.map { "in as \($0.email ?? "?")" } ?? "out" }
        router.group("/dashboard").add(middleware: login.requireLogin).get { _, context in
            let claims = context.oidc.claims
            let expires = Int(context.oidc.tokens?.expiresAt?.timeIntervalSince1970 ?? 0)
            return "dashboard of \(claims?.email ?? "?") (sub \(claims?.subject ?? "?")), access token expires at \(expires)"
        }
        // The session's tokens used by the session's client: its DPoP key, when it has one.
        router.group("/me").add(middleware: login.requireLogin).get { _, context in
            guard let client = context.oidc.client, let tokens = context.oidc.tokens else { throw HTTPError(.unauthorized) }
            return "userinfo of \(try await client.userInfo(for: tokens).email ?? "?")"
        }

        var logger = Logger(label: "tessera.rp.test")
        logger.logLevel = .trace
        let application = try await RunningApplication.start(logger: logger) { onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                        onServerRunning: { _ in onRunning() }, logger: logger)
        }
        return TestRelyingParty(server: server, baseURL: baseURL, store: store, transport: transport, oidc: oidc,
                                application: application)
    }

    func stop() async {
        await application.stop()
    }

    func url(_ path: String) -> String { baseURL + path }

    /// The session behind `browser`'s cookie, as the store keeps it; every secret in it goes to
    /// the server's ledger for the log scan.
    func session(of browser: Browser) async -> OIDCSession? {
        guard let id = browser.cookie(Self.cookie) else { return nil }
        server.ledger.record(Secret(id))
        let session = await store.load(idHash: SecretHash(of: Secret(id)).hex, now: Date())
        if let tokens = session?.tokens { server.ledger.record(tokens.response) }
        for login in session?.pendingLogins ?? [] {
            [login.authorization.state, login.authorization.nonce, login.authorization.codeVerifier].forEach(server.ledger.record)
        }
        return session
    }

    /// `/login` (with `returnTo`): the redirect to the provider, and the session it started.
    func startLogin(_ browser: Browser, returnTo: String? = nil) async throws -> (authorizeURL: String, state: String) {
        let path = "/login" + (returnTo.map { "?" + FormURLEncoding.encode([("return_to", $0)]) } ?? "")
        let response = try await browser.get(url(path))
        #expect(response.status == 302)
        let location = try #require(response.location)
        #expect(location.hasPrefix(server.url("/authorize?")))
        let session = await session(of: browser)
        // Against Tessera the request is pushed (RFC 9126): the URL carries only a request_uri,
        // and the state sent is the one the session keeps for this newest login.
        return (location, try #require(response.locationQuery["state"] ?? session?.pendingLogins.last?.authorization.state.unredacted))
    }

    /// The provider's login form filled in, up to the callback URL it redirects to (not followed).
    func callbackURL(_ browser: Browser, authorizeURL: String) async throws -> String {
        let query = try await server.authorize(browser, authorizeURL: authorizeURL)
        return url("/callback?" + FormURLEncoding.encode(query.map { (name: $0.key, value: $0.value) }))
    }

    /// `/login` and the provider's form, up to the callback URL (not followed).
    func startedCallbackURL(_ browser: Browser, returnTo: String? = nil) async throws -> String {
        try await callbackURL(browser, authorizeURL: try await startLogin(browser, returnTo: returnTo).authorizeURL)
    }

    /// A whole login: `/login`, the provider's form, and the callback; returns the callback's response.
    @discardableResult
    func logIn(_ browser: Browser, returnTo: String? = nil) async throws -> HTTPResult {
        let response = try await browser.get(try await startedCallbackURL(browser, returnTo: returnTo))
        #expect(response.status == 303, "callback answered \(response.status): \(response.body)")
        _ = await session(of: browser)
        return response
    }
}
