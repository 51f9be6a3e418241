import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TesseraCore
import TesseraServer
import TesseraManagementAPI

/// The real provider, in-process, on an ephemeral loopback port, over a fresh database of the
/// engine a test names (see ``TestDatabase``).
///
/// ```swift
/// try await TestServer.with(engine) { server in
///     let client = try await server.addClient()
///     …
/// }
/// ```
struct TestServer: ProviderUnderTest {
    let provider: Provider
    let baseURL: String
    let clock: ManualClock
    let database: TestDatabase
    let ledger: SecretLedger
    /// The admin listener's base URL, when the test asked for one (`adminListener: true`).
    var adminBaseURL: String? = nil
    private let application: RunningApplication
    /// False when the test handed in the database (to run several servers on it in turn).
    var ownsDatabase = true

    static let redirectURI = "http://localhost:3000/callback"
    static let password = "correct horse battery"

    /// Runs `body` against a fresh server on `engine`, stopping it afterwards.
    /// - Parameter adminListener: also serve the admin listener on a second free port (``adminBaseURL``).
    static func with<Result>(
        _ engine: TestEngine,
        adminListener: Bool = false,
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        try await using(try await start(engine, adminListener: adminListener, configure: configure), stop: { await $0.stop() }, body)
    }

    /// - Parameters:
    ///   - database: a database the test owns and drops itself (a fresh one by default).
    ///   - clock: the server's clock (a fresh one standing at now by default).
    static func start(_ engine: TestEngine, database: TestDatabase? = nil, clock: ManualClock = ManualClock(),
                      adminListener: Bool = false,
                      configure: (inout ProviderConfiguration) -> Void = { _ in }) async throws -> TestServer {
        LogCapture.installed
        return try await RunningApplication.onFreePort { port in
            try await start(engine, port: port, adminPort: adminListener ? freeLoopbackPort() : nil, database: database, clock: clock,
                            configure: configure)
        }
    }

    /// The master key every test server seals its signing keys with; a `tessera` process given it
    /// (`TESSERA_MASTER_KEY`, base64) can work on the same database.
    static let masterKey: [UInt8] = Array(repeating: 7, count: 32)

    private static func start(_ engine: TestEngine, port: Int, adminPort: Int?, database given: TestDatabase?, clock: ManualClock,
                              configure: (inout ProviderConfiguration) -> Void) async throws -> TestServer {
        let baseURL = "http://127.0.0.1:\(port)"
        var configuration = ProviderConfiguration(issuer: baseURL)
        configuration.bcryptCost = 4
        configure(&configuration)
        let database: TestDatabase
        if let given { database = given } else { database = try await TestDatabase.create(engine) }
        let provider: Provider
        do {
            provider = try await Provider.open(
                configuration: configuration,
                database: database.url,
                masterKey: try MasterKey(bytes: masterKey),
                clock: clock.wallClock
            )
        } catch {
            if given == nil { await database.drop() }
            throw error
        }
        var logger = Logger(label: "tessera.test")
        logger.logLevel = .trace
        let application: RunningApplication
        do {
            application = try await RunningApplication.start(logger: logger) { onRunning in
                // The management API is mounted as `tessera serve` mounts it: on the admin
                // listener when there is one, else on the public port.
                try provider.application(listen: .init(host: "127.0.0.1", port: port),
                                         admin: adminPort.map { .init(host: "127.0.0.1", port: $0) },
                                         managementRoutes: { try ManagementAPI(provider: provider).register(on: $0) },
                                         logger: logger) { onRunning() }
            }
        } catch {
            await provider.shutdown()
            if given == nil { await database.drop() }
            throw error
        }
        return TestServer(provider: provider, baseURL: baseURL, clock: clock, database: database,
                          ledger: SecretLedger(), adminBaseURL: adminPort.map { "http://127.0.0.1:\($0)" },
                          application: application, ownsDatabase: given == nil)
    }

    func stop() async {
        await application.stop()
        await provider.shutdown()
        if ownsDatabase { await database.drop() }
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
    func addUser(email: String = "alice@example.com", password: String = TestServer.password, name: String = "Alice Example",
                 profile: ProfileChange = ProfileChange()) async throws -> User {
        ledger.record(Secret(password))
        return try await provider.administration.addUser(email: email, password: Secret(password), name: name, profile: profile)
    }
}

enum TestServerError: Error, CustomStringConvertible {
    case didNotStart(port: Int, String)

    var description: String {
        switch self { case .didNotStart(let port, let failure): "the test server did not start on port \(port): \(failure)" }
    }
}
