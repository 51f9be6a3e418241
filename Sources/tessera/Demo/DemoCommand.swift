import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdBcrypt
import Logging
import ServiceLifecycle
import TesseraClient
import TesseraCore
import TesseraServer
import UnixSignals

/// `tessera demo`: the provider and an example app that logs in through it, in one process, so a
/// newcomer clicks through a real OpenID Connect login in a browser a minute after cloning.
///
/// The demo's login is printed and public, so the demo runs on a database of its own: by default a
/// temporary one, removed on exit (`TESSERA_DATABASE_URL` is not used); with `--database`, only
/// one it found empty and marked as the demo's, which `tessera serve` then refuses. Each start
/// registers a fresh demo client (its secret is shown to nobody and stored hashed, so it cannot be
/// read back on the next start) and makes sure the demo user exists; every user already in the
/// demo's database can log in too. SIGTERM or SIGINT stops both servers gracefully.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the provider and an example app that logs in through it (/, /login, /callback, /dashboard, /logout).")

    @Option(help: "The example app's port, on 127.0.0.1.")
    var port = 3000

    @Option(name: .customLong("provider-port"), help: "The provider's port, on 127.0.0.1.")
    var providerPort = 8080

    @OptionGroup var options: ProviderOptions

    mutating func validate() throws {
        for (flag, value) in [("--port", port), ("--provider-port", providerPort)] where !(1...65_535).contains(value) {
            throw ValidationError("\(flag) must be between 1 and 65535")
        }
        guard port != providerPort else { throw ValidationError("--port and --provider-port must differ") }
    }

    func run() async throws {
        guard options.storage.database == nil else {
            return try await run(options: options)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = self.options
        options.storage.database = "sqlite://" + folder.appendingPathComponent("tessera.sqlite").path
        try await run(options: options)
    }

    private func run(options: ProviderOptions) async throws {
        let logger = makeLogger()
        let providerURL = "http://127.0.0.1:\(providerPort)"
        let appURL = "http://127.0.0.1:\(port)"
        let database = try options.databaseURL()
        try await options.withProvider(issuer: providerURL, logger: logger) { provider in
            guard try await provider.store.claimForDemo(at: Int(Date().timeIntervalSince1970)) else {
                throw ValidationError("--database: \(database) holds clients or users of its own; the demo's login is public, "
                    + "so the demo runs only on a database it created (omit --database for a temporary one)")
            }
            let client = try await Self.registerClient(provider, appURL: appURL)
            let userNote = try await Self.ensureDemoUser(provider)
            let oidc = OIDCClient(
                provider: .discovery(issuer: providerURL),
                configuration: ClientConfiguration(clientID: client.client.id, clientSecret: client.secret, redirectURI: appURL + "/callback"),
                logger: makeLogger("tessera.demo.client"))
            let ready = Readiness(servers: 2) {
                // Flushed lines on stdout, so a script (or a test) can wait for the last one.
                FileHandle.standardOutput.write(Data("""
                    tessera demo: provider \(providerURL) (database \(database))
                    tessera demo: \(userNote)
                    tessera demo: open \(appURL)/

                    """.utf8))
            }
            let providerApp = try provider.application(listen: .init(host: "127.0.0.1", port: providerPort), logger: logger) {
                await ready.serverStarted()
            }
            let app = Application(
                router: DemoApp(client: oidc, appURL: appURL).router(),
                configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "tessera-demo"),
                onServerRunning: { _ in await ready.serverStarted() },
                logger: makeLogger("tessera.demo"))
            let group = ServiceGroup(services: [providerApp, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
        }
    }

    /// A confidential client for the demo app: the seed's client-secret exchange, with PKCE, and
    /// back-channel logout to the app's `/backchannel-logout`.
    static func registerClient(_ provider: Provider, appURL: String) async throws -> Administration.RegisteredClient {
        var registration = ClientRegistration(
            name: "Tessera demo app", redirectURIs: [appURL + "/callback"], postLogoutRedirectURIs: [appURL + "/"])
        registration.backchannelLogoutURI = appURL + "/backchannel-logout"
        return try await provider.administration.addClient(registration)
    }

    /// Adds the demo user unless it exists, and says how to log in.
    static func ensureDemoUser(_ provider: Provider) async throws -> String {
        let demo = DemoCredentials.demoUser
        let instruction = "log in as \(demo.email), password \(demo.password) (or as any user of the database)"
        guard let existing = try await provider.store.user(email: demo.email) else {
            _ = try await provider.administration.addUser(email: demo.email, password: Secret(demo.password), name: "Demo User")
            return instruction
        }
        if Bcrypt.verify(demo.password, hash: existing.passwordHash) {
            return instruction
        }
        return "\(demo.email) exists with a password of its own here: log in as a user of this database"
    }
}

/// Calls `onReady` once, when the last of `servers` servers has bound its socket.
actor Readiness {
    private var waiting: Int
    private let onReady: @Sendable () -> Void

    init(servers: Int, onReady: @escaping @Sendable () -> Void) {
        self.waiting = servers
        self.onReady = onReady
    }

    func serverStarted() {
        waiting -= 1
        if waiting == 0 { onReady() }
    }
}
