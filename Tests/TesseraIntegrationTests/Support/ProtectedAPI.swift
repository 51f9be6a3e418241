import Hummingbird
import Logging
import TesseraClient
import TesseraCore
import TesseraHummingbird

/// A Hummingbird API protected with TesseraHummingbird's middleware, on its own loopback port,
/// accepting tokens the real provider issues: the whole resource-server chain over real sockets.
struct ProtectedAPI {
    static let identifier = "https://api.example.com/messages"

    let baseURL: String
    private let application: RunningApplication

    /// The README's example (``ReadmeProtectedAPI``), checking JWTs with ``AccessTokenValidator``,
    /// plus `GET /messages/admin`, which needs `write:messages`.
    static func with<Result>(_ server: TestServer, _ body: (ProtectedAPI) async throws -> Result) async throws -> Result {
        let router = try await ReadmeProtectedAPI.router(issuer: server.baseURL, api: identifier)
        let validator = try await AccessTokenValidator.discover(issuer: server.baseURL, audience: identifier)
        let metadata = ProtectedResourceMetadata(resource: identifier)
        router.group("/messages/admin")
            .add(middleware: BearerTokenMiddleware(verifier: validator, metadata: metadata))
            .add(middleware: RequireScopes("write:messages", metadata: metadata))
            .get { _, _ in "admin" }
        return try await run(router, body)
    }

    /// `GET /messages` behind the middleware with another verifier (a ``TokenIntrospector``).
    static func with<Result>(verifier: any AccessTokenVerifier, _ body: (ProtectedAPI) async throws -> Result) async throws -> Result {
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.group("/messages")
            .add(middleware: BearerTokenMiddleware(verifier: verifier, metadata: ProtectedResourceMetadata(resource: identifier)))
            .get { _, context in "hello \(context.accessToken?.subject ?? "")" }
        return try await run(router, body)
    }

    private static func run<Result>(_ router: Router<BasicAccessTokenRequestContext>,
                                    _ body: (ProtectedAPI) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "tessera.test.api")
        logger.logLevel = .trace
        let api = try await RunningApplication.onFreePort { port in
            let application = try await RunningApplication.start(logger: logger) { onRunning in
                Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                            onServerRunning: { _ in onRunning() }, logger: logger)
            }
            return ProtectedAPI(baseURL: "http://127.0.0.1:\(port)", application: application)
        }
        return try await using(api, stop: { await $0.application.stop() }, body)
    }

    func get(_ path: String, token: String?) async throws -> HTTPResult {
        try await send(.GET, baseURL + path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    /// The URL a client of the API calls, and so signs in its DPoP proofs: the identifier's
    /// origin and the path — the test reaches the API on a loopback port, as a proxy would.
    static func publicURL(_ path: String) -> String {
        "https://api.example.com" + path
    }

    /// `GET path` with `Authorization: DPoP <token>` and a `DPoP` header per proof.
    func get(_ path: String, dpopToken token: String, proofs: [String]) async throws -> HTTPResult {
        try await send(.GET, baseURL + path, headers: [("Authorization", "DPoP \(token)")] + proofs.map { ("DPoP", $0) })
    }
}
