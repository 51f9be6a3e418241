import ArgumentParser
import Foundation
import TesseraServer

extension KeysCommand {
    /// `tessera keys list`: the published signing keys and their state — public facts only.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the published signing keys (kid, algorithm, state; never key material).")

        @Flag(help: "Print one JSON array of {kid, alg, state, created_at, activated_at, retired_at}.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let keys = try await options.withProvider { try await $0.administration.signingKeys() }
            if json {
                try AdminOutput.printJSON(keys.map(AdminOutput.json))
            } else {
                for key in keys {
                    let since = key.retiredAt ?? key.activatedAt ?? key.createdAt
                    print("\(key.kid)  \(key.algorithm)  \(key.state.rawValue)  since \(Date(timeIntervalSince1970: TimeInterval(since)).ISO8601Format())")
                }
            }
        }
    }
}
