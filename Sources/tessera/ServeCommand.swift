import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TesseraManagementAPI
import TesseraServer
import UnixSignals

/// `tessera serve`: the provider on one port, until SIGTERM or SIGINT, which let in-flight
/// requests finish before exiting.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the authorization server.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: ArgumentHelp("The issuer URL (default: http://HOST:PORT, or https:// with --tls-cert).", valueName: "url"))
    var issuer: String?

    @Option(name: .customLong("code-ttl"), help: ArgumentHelp("Authorization code lifetime in seconds (1–600).", valueName: "seconds"))
    var codeTTL = 60

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain: serve HTTPS only.", valueName: "pem"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key for --tls-cert.", valueName: "pem"))
    var tlsKey: String?

    @Option(name: .customLong("refresh-grace-seconds"),
            help: ArgumentHelp("How long a just-rotated refresh token still works for a concurrent refresh or a retry (0 = off); each such use supersedes the successor issued before it.", valueName: "seconds"))
    var refreshGraceSeconds = 0

    @Option(name: .customLong("key-rotation-days"), help: ArgumentHelp("Rotate signing keys automatically after this many days.", valueName: "days"))
    var keyRotationDays: Int?

    @Option(name: .customLong("trusted-proxy"),
            help: ArgumentHelp("A proxy (IPv4 or IPv6 CIDR, or one address) whose Forwarded / X-Forwarded-For headers name the client; repeatable. Default: none, the peer is the client.",
                               valueName: "cidr"))
    var trustedProxies: [String] = []

    /// For tests of several nodes: how soon a key rotated elsewhere signs here. Hidden; the default
    /// (``KeyRing/reloadInterval``) is the documented bound.
    @Option(name: .customLong("key-reload-interval"), help: .hidden)
    var keyReloadSeconds: Int?

    @Option(name: .customLong("database-pool-size"),
            help: ArgumentHelp("The most PostgreSQL connections this node opens (default: one per core, at least 2; SQLite ignores it).",
                               valueName: "connections"))
    var databasePoolSize: String?

    @Option(help: ArgumentHelp("Dynamic client registration (RFC 7591) at /oauth/register: off (default), open, or token (an initial access token from `tessera registration token create` is required).",
                               valueName: "off|open|token"))
    var registration: RegistrationMode = .off

    @Option(name: .customLong("registrations-per-minute"),
            help: ArgumentHelp("How many registrations one client address may make per minute (1–10000).", valueName: "n"))
    var registrationsPerMinute = RegistrationPolicy().perAddressPerMinute

    @Flag(name: .customLong("dpop-nonce"),
          help: "Require a server nonce (sent in DPoP-Nonce headers) in every DPoP proof the provider receives (RFC 9449 §8): proofs made in advance are refused; clients pay one retry when the nonce rotates.")
    var dpopNonce = false

    @Option(name: .customLong("admin-host"),
            help: ArgumentHelp("The address of the admin listener (default 127.0.0.1); needs --admin-port.", valueName: "address"))
    var adminHost: String?

    @Option(name: .customLong("admin-port"),
            help: ArgumentHelp("Serve /metrics, /healthz, /readyz and the management API on this port, apart from the public one (which then no longer serves /metrics). Plain HTTP: keep it on loopback or a private network.",
                               valueName: "port"))
    var adminPort: Int?

    @OptionGroup var options: ProviderOptions

    @OptionGroup var audit: AuditRetentionOption

    mutating func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let keyReloadSeconds, keyReloadSeconds < 1 {
            throw ValidationError("--key-reload-interval must be at least 1 second")
        }
        guard (1...ProviderConfiguration.maximumCodeLifetime).contains(codeTTL) else {
            throw ValidationError("--code-ttl must be between 1 and \(ProviderConfiguration.maximumCodeLifetime) seconds")
        }
        guard (0...300).contains(refreshGraceSeconds) else {
            throw ValidationError("--refresh-grace-seconds must be between 0 and 300")
        }
        if let keyRotationDays, keyRotationDays < 1 {
            throw ValidationError("--key-rotation-days must be at least 1")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        for path in [tlsCertificate, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("cannot read \(path)")
        }
        _ = try Self.ranges(trustedProxies)
        try validateAdminListener()
        guard (1...10_000).contains(registrationsPerMinute) else {
            throw ValidationError("--registrations-per-minute must be between 1 and 10000")
        }
        _ = try poolSize()
        if let issuer {
            guard let url = URL(string: issuer), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.query == nil, url.fragment == nil
            else {
                throw ValidationError("--issuer must be an http(s) URL with no query or fragment")
            }
        }
    }

    /// The `--trusted-proxy` values as ranges.
    static func ranges(_ values: [String]) throws -> [CIDR] {
        try values.map { value in
            guard let range = CIDR(value) else {
                throw ValidationError("--trusted-proxy: '\(value)' is not an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or fd00::/8")
            }
            return range
        }
    }

    /// `--database-pool-size` as a count: a whole number above 0, refused with its own message
    /// (not ArgumentParser's generic one) so the operator sees what a valid value is.
    func poolSize() throws -> Int? {
        guard let databasePoolSize else { return nil }
        guard let size = Int(databasePoolSize), size > 0 else {
            throw ValidationError("--database-pool-size must be a whole number of connections above 0, not '\(databasePoolSize)'")
        }
        return size
    }

    func run() async throws {
        let logger = makeLogger()
        // Before anything opens a connection, so every span of this process goes to the exporter.
        let traceExport = try TraceExport.start(logger: logger)
        let scheme = tlsCertificate == nil ? "http" : "https"
        let issuer = self.issuer ?? Self.url(scheme: scheme, host: host, port: port)
        let (codeTTL, grace, rotationDays) = (self.codeTTL, refreshGraceSeconds, keyRotationDays)
        let database = try options.databaseURL()
        let keyReload = keyReloadSeconds.map { Duration.seconds($0) }
        let trustedProxies = try Self.ranges(self.trustedProxies)
        let (registrationMode, registrationsPerMinute) = (registration, self.registrationsPerMinute)
        let dpopNonce = self.dpopNonce
        let auditRetentionDays = audit.auditRetentionDays
        let provider = try await options.openProvider(issuer: issuer, logger: logger, poolSize: try poolSize()) {
            $0.codeLifetime = codeTTL
            $0.refreshGraceSeconds = grace
            $0.keyRotationDays = rotationDays
            $0.trustedProxies = trustedProxies
            $0.registration.mode = registrationMode
            $0.registration.perAddressPerMinute = registrationsPerMinute
            $0.dpop.requireNonce = dpopNonce
            $0.auditRetentionDays = auditRetentionDays
            if let keyReload { $0.keyReloadInterval = keyReload }
        }
        do {
            guard try await !provider.store.isDemoDatabase() else {
                throw ValidationError("--database: \(database) was created by tessera demo and holds its public login; serve another database")
            }
            try await provider.registerManagementAPI()
            let listen = ListenConfiguration(host: host, port: port, tlsCertificatePath: tlsCertificate, tlsKeyPath: tlsKey)
            let admin = adminListener
            let adminLine = admin.map { "; admin \(Self.url(host: $0.host, port: $0.port))" } ?? ""
            let app = try provider.application(listen: listen, admin: admin,
                                               managementRoutes: { try ManagementAPI(provider: provider).register(on: $0) }, logger: logger) {
                // One line on stdout, flushed, so scripts and tests can wait for it.
                FileHandle.standardOutput.write(Data("tessera: serving \(issuer) (database \(database)\(adminLine))\n".utf8))
            }
            // Stopped in reverse order: the server drains its requests, then the last spans are flushed.
            let services: [any Service] = (traceExport.map { [$0] } ?? []) + [app]
            try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        } catch {
            await provider.shutdown()
            throw error
        }
        await provider.shutdown()
    }
}
