import ArgumentParser
import Foundation
import TesseraCore
import TesseraServer

/// `tessera users consents list|revoke`: what a user allowed third-party applications, and taking
/// it back — which also ends what the application holds for the user (its tokens stop working).
struct UsersConsentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "consents", abstract: "List or revoke a user's consents to third-party applications.",
                                                    subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List what the user has allowed each third-party application.")

        @Option(help: "The user's email address.")
        var email: String

        @Flag(help: "Print one JSON array of {client_id, audience, scope, created_at, updated_at}.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let email = self.email
            let consents = try await options.withProvider { try await $0.administration.consents(email: email) }
            if json {
                let objects = consents.map { consent -> [String: Any] in
                    var object: [String: Any] = ["client_id": consent.clientID, "scope": consent.scope.tokens,
                                                 "created_at": consent.createdAt, "updated_at": consent.updatedAt]
                    object["audience"] = consent.audience ?? NSNull()
                    return object
                }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for consent in consents {
                    print("\(consent.clientID)  \(consent.audience ?? "-")  \(consent.scope)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw the user's consent to an application and revoke its grants for the user (its refresh and access tokens stop working).")

        @Option(help: "The user's email address.")
        var email: String

        @Option(help: "The application's client id.")
        var client: String

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let (email, client) = (self.email, self.client)
            try await options.withProvider { try await $0.administration.revokeConsent(email: email, clientID: client) }
            print("consent of \(User.normalizedEmail(email)) to client \(client) revoked, and the client's tokens for the user")
        }
    }
}
