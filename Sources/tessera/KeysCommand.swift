import ArgumentParser
import TesseraServer

/// `tessera keys list|rotate`: lists the published keys; on rotation the published next key starts
/// signing, and a fresh next key is published. Running servers pick it up within their reload interval.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.", subcommands: [List.self, Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate the signing key of one algorithm.")

        @Option(help: "RS256, ES256 or EdDSA.")
        var alg = "RS256"

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            guard SigningAlgorithm(rawValue: alg) != nil else { throw ValidationError("--alg must be RS256, ES256 or EdDSA") }
        }

        func run() async throws {
            let algorithm = SigningAlgorithm(rawValue: alg) ?? .rs256
            let kid = try await options.withProvider { try await $0.administration.rotateKeys(algorithm) }
            print("\(alg) now signs with key \(kid ?? "?"); servers switch within \(KeyRing.reloadInterval)")
        }
    }
}
