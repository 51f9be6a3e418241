import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TesseraServer

/// `tessera serve`: the provider on one port, until SIGTERM or SIGINT, which let in-flight
/// requests finish before exiting.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the authorization server.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: ArgumentHelp("The issuer URL (default: http://HOST:PORT).", valueName: "url"))
    var issuer: String?

    @Option(name: .customLong("code-ttl"), help: ArgumentHelp("Authorization code lifetime in seconds (1–600).", valueName: "seconds"))
    var codeTTL = 60

    /// For tests of several nodes: how soon a key rotated elsewhere signs here. Hidden; the default
    /// (``KeyRing/reloadInterval``) is the documented bound.
    @Option(name: .customLong("key-reload-interval"), help: .hidden)
    var keyReloadSeconds: Int?

    @OptionGroup var options: ProviderOptions

    mutating func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let keyReloadSeconds, keyReloadSeconds < 1 {
            throw ValidationError("--key-reload-interval must be at least 1 second")
        }
        guard (1...ProviderConfiguration.maximumCodeLifetime).contains(codeTTL) else {
            throw ValidationError("--code-ttl must be between 1 and \(ProviderConfiguration.maximumCodeLifetime) seconds")
        }
        if let issuer {
            guard let url = URL(string: issuer), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.query == nil, url.fragment == nil
            else {
                throw ValidationError("--issuer must be an http(s) URL with no query or fragment")
            }
        }
    }

    func run() async throws {
        let logger = makeLogger()
        let issuer = self.issuer ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        let codeTTL = self.codeTTL
        let database = try options.databaseURL()
        let keyReload = keyReloadSeconds.map { Duration.seconds($0) }
        let provider = try await options.openProvider(issuer: issuer, logger: logger) {
            $0.codeLifetime = codeTTL
            if let keyReload { $0.keyReloadInterval = keyReload }
        }
        let app = Application(
            router: provider.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "tessera"),
            services: provider.services,
            onServerRunning: { _ in
                // One line on stdout, flushed, so scripts and tests can wait for it.
                FileHandle.standardOutput.write(Data("tessera: serving \(issuer) (database \(database))\n".utf8))
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            await provider.shutdown()
            throw error
        }
        await provider.shutdown()
    }
}
