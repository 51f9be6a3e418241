import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TesseraCore
import TesseraServer

/// The real provider, in-process, on an ephemeral loopback port, over a fresh SQLite file.
///
/// ```swift
/// try await TestServer.with { server in
///     let client = try await server.addClient()
///     …
/// }
/// ```
struct TestServer: Sendable {
    let provider: Provider
    let baseURL: String
    let clock: ManualClock
    let directory: URL
    /// Every secret the test handed to or got from the server, for the log scan.
    let ledger: SecretLedger
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static let redirectURI = "http://localhost:3000/callback"
    static let password = "correct horse battery"

    /// Runs `body` against a fresh server, stopping it afterwards.
    static func with<Result>(
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(configure: configure)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func start(configure: (inout ProviderConfiguration) -> Void = { _ in }) async throws -> TestServer {
        LogCapture.installed
        let port = freeLoopbackPort()
        let baseURL = "http://127.0.0.1:\(port)"
        var configuration = ProviderConfiguration(issuer: baseURL)
        configuration.bcryptCost = 4
        configure(&configuration)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = ManualClock()
        let provider = try await Provider.open(
            configuration: configuration,
            database: .sqlite(path: directory.appendingPathComponent("tessera.sqlite").path),
            masterKey: try MasterKey(bytes: Array(repeating: 7, count: 32)),
            clock: clock.wallClock
        )
        var logger = Logger(label: "tessera.test")
        logger.logLevel = .trace
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let app = try provider.application(listen: .init(host: "127.0.0.1", port: port), logger: logger) {
            startedContinuation.yield()
        }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        for await _ in started { break }
        return TestServer(provider: provider, baseURL: baseURL, clock: clock, directory: directory,
                          ledger: SecretLedger(), group: group, running: running)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        await provider.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A registered client and its secret (nil for a public client).
    struct RegisteredClient: Sendable {
        let id: String
        let secret: Secret?
    }

    func addClient(isPublic: Bool = false, redirectURIs: [String] = [TestServer.redirectURI],
                   postLogoutRedirectURIs: [String] = [], grantTypes: [GrantType] = [.authorizationCode, .refreshToken],
                   idTokenAlgorithm: SigningAlgorithm = .rs256) async throws -> RegisteredClient {
        let registered = try await provider.administration.addClient(ClientRegistration(
            name: "Test App", redirectURIs: grantTypes.contains(.authorizationCode) ? redirectURIs : [],
            postLogoutRedirectURIs: postLogoutRedirectURIs, isPublic: isPublic, grantTypes: grantTypes,
            idTokenAlgorithm: idTokenAlgorithm))
        if let secret = registered.secret { ledger.record(secret) }
        return RegisteredClient(id: registered.client.id, secret: registered.secret)
    }

    @discardableResult
    func addUser(email: String = "alice@example.com", password: String = TestServer.password, name: String = "Alice Example") async throws -> User {
        ledger.record(Secret(password))
        return try await provider.administration.addUser(email: email, password: Secret(password), name: name)
    }

    func url(_ path: String) -> String { baseURL + path }
}
