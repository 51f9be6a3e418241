import ArgumentParser
import Foundation
import TesseraCore
import TesseraServer

/// `tessera registration token create`: initial access tokens for `serve --registration token`
/// (RFC 7591 §3), so only the holders of one can register a client.
struct RegistrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "registration", abstract: "Manage dynamic client registration (RFC 7591).",
                                                    subcommands: [Token.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage initial access tokens.",
                                                        subcommands: [Create.self])
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an initial access token, printed once: a client registers with it as Authorization: Bearer.")

        @Option(name: .customLong("expires-in"), help: ArgumentHelp("How long the token is valid (default: one day).", valueName: "seconds"))
        var expiresIn = 86_400

        @Option(help: ArgumentHelp("How many registrations it pays for (default: 1).", valueName: "n"))
        var uses = 1

        @Flag(help: "Print one JSON object with initial_access_token, expires_at and uses.")
        var json = false

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            guard (1...Administration.maximumInitialAccessTokenLifetime).contains(expiresIn) else {
                throw ValidationError("--expires-in must be between 1 and \(Administration.maximumInitialAccessTokenLifetime) seconds")
            }
            guard (1...Administration.maximumInitialAccessTokenUses).contains(uses) else {
                throw ValidationError("--uses must be between 1 and \(Administration.maximumInitialAccessTokenUses)")
            }
        }

        func run() async throws {
            let (expiresIn, uses) = (self.expiresIn, self.uses)
            let created = try await options.withProvider { try await $0.administration.createInitialAccessToken(expiresIn: expiresIn, uses: uses) }
            if json {
                let object: [String: Any] = ["initial_access_token": created.token.unredacted, "expires_at": created.expiresAt, "uses": created.uses]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("initial_access_token: \(created.token.unredacted)   (shown once; only its hash is stored)")
                print("expires_at:           \(created.expiresAt) (Unix time), uses: \(created.uses)")
            }
        }
    }
}
