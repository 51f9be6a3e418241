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

/// `tessera demo`: the provider, an example app that logs in through it, and a protected API the
/// app calls with the user's access token, in one process, so a newcomer clicks through a real
/// OpenID Connect login — and sees the token used — in a browser a minute after cloning.
///
/// The demo's login is printed and public, so the demo runs on a database of its own: by default a
/// temporary one, removed on exit (`TESSERA_DATABASE_URL` is not used); with `--database`, only
/// one it found empty and marked as the demo's, which `tessera serve` then refuses. Each start
/// registers a fresh demo client (its secret is shown to nobody and stored hashed, so it cannot be
/// read back on the next start) and makes sure the demo user exists; every user already in the
/// demo's database can log in too. The API is registered (once per identifier) with the permission
/// `read:messages`, and each start's client is granted it. SIGTERM or SIGINT stops all three
/// servers gracefully.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the provider, an example app that logs in through it (/, /login, /callback, /dashboard, /logout), and a protected API the app calls.")

    @Option(help: "The example app's port, on 127.0.0.1.")
    var port = 3000

    @Option(name: .customLong("provider-port"), help: "The provider's port, on 127.0.0.1.")
    var providerPort = 8080

    @Option(name: .customLong("api-port"), help: "The protected API's port, on 127.0.0.1.")
    var apiPort = 3001

    @OptionGroup var options: ProviderOptions

    mutating func validate() throws {
        for (flag, value) in [("--port", port), ("--provider-port", providerPort), ("--api-port", apiPort)] where !(1...65_535).contains(value) {
            throw ValidationError("\(flag) must be between 1 and 65535")
        }
        guard Set([port, providerPort, apiPort]).count == 3 else {
            throw ValidationError("--port, --provider-port and --api-port must differ")
        }
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
        let api = DemoAPI(apiURL: "http://127.0.0.1:\(apiPort)", providerURL: providerURL)
        let database = try options.databaseURL()
        try await options.withProvider(issuer: providerURL, logger: logger) { provider in
            guard try await provider.store.claimForDemo(at: Int(Date().timeIntervalSince1970)) else {
                throw ValidationError("--database: \(database) holds clients or users of its own; the demo's login is public, "
                    + "so the demo runs only on a database it created (omit --database for a temporary one)")
            }
            let client = try await Self.registerClient(provider, appURL: appURL)
            try await Self.registerAPI(provider, api, client: client.client.id)
            let userNote = try await Self.ensureDemoUser(provider)
            let oidc = OIDCClient(
                provider: .discovery(issuer: providerURL),
                configuration: ClientConfiguration(clientID: client.client.id, clientSecret: client.secret, redirectURI: appURL + "/callback"),
                logger: makeLogger("tessera.demo.client"))
            let ready = Readiness(servers: 3) {
                // Flushed lines on stdout, so a script (or a test) can wait for the last one.
                FileHandle.standardOutput.write(Data("""
                    tessera demo: provider \(providerURL) (database \(database))
                    tessera demo: \(userNote)
                    tessera demo: protected API \(api.identifier) (scope \(DemoAPI.scope); metadata \(api.metadata.metadataURL))
                    tessera demo: open \(appURL)/

                    """.utf8))
            }
            let providerApp = try provider.application(listen: .init(host: "127.0.0.1", port: providerPort), logger: logger) {
                await ready.serverStarted()
            }
            let app = Application(
                router: DemoApp(client: oidc, appURL: appURL, apiIdentifier: api.identifier).router(),
                configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "tessera-demo"),
                onServerRunning: { _ in await ready.serverStarted() },
                logger: makeLogger("tessera.demo"))
            let apiApp = Application(
                router: api.router(),
                configuration: .init(address: .hostname("127.0.0.1", port: apiPort), serverName: "tessera-demo-api"),
                onServerRunning: { _ in await ready.serverStarted() },
                logger: makeLogger("tessera.demo.api"))
            let group = ServiceGroup(services: [providerApp, app, apiApp], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
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

    /// Registers the demo API unless a start before registered it, and grants the demo app its
    /// permission, as `tessera apis add` and `tessera grants add` would.
    static func registerAPI(_ provider: Provider, _ api: DemoAPI, client: String) async throws {
        if try await provider.store.api(identifier: api.identifier) == nil {
            _ = try await provider.administration.addAPI(identifier: api.identifier, name: "Tessera demo API", scopes: Scope(DemoAPI.scope))
        }
        _ = try await provider.administration.addClientGrant(clientID: client, apiIdentifier: api.identifier, scopes: Scope(DemoAPI.scope))
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
