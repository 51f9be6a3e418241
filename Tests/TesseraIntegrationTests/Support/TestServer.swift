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
    private let application: RunningApplication

    static let redirectURI = "http://localhost:3000/callback"
    static let password = "correct horse battery"

    /// Runs `body` against a fresh server, stopping it afterwards.
    static func with<Result>(
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        try await using(try await start(configure: configure), stop: { await $0.stop() }, body)
    }

    static func start(configure: (inout ProviderConfiguration) -> Void = { _ in }) async throws -> TestServer {
        LogCapture.installed
        return try await RunningApplication.onFreePort { port in try await start(port: port, configure: configure) }
    }

    private static func start(port: Int, configure: (inout ProviderConfiguration) -> Void) async throws -> TestServer {
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
        let application: RunningApplication
        do {
            application = try await RunningApplication.start(logger: logger) { onRunning in
                try provider.application(listen: .init(host: "127.0.0.1", port: port), logger: logger) { onRunning() }
            }
        } catch {
            await provider.shutdown()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return TestServer(provider: provider, baseURL: baseURL, clock: clock, directory: directory,
                          ledger: SecretLedger(), application: application)
    }

    func stop() async {
        await application.stop()
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
