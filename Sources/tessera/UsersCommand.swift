import ArgumentParser
import Foundation
import TesseraCore
import TesseraServer

/// `tessera users add|list|show|update|remove|consents`: creates a user who can log in; lists, shows and
/// removes users; sets their standard claims;
/// lists and revokes their consents to third-party applications (``UsersConsentsCommand``).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Manage users.",
                                                    subcommands: [Add.self, List.self, Show.self, Update.self, Remove.self, UsersConsentsCommand.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user with an email and a password.")

        @Option(help: "The user's email address (their login).")
        var email: String

        @Option(help: "The password (visible to other local users in the process list: prefer --password-stdin).")
        var password: String?

        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordStdin = false

        @Option(help: "The user's display name (default: the part of the email before @).")
        var name: String?

        @OptionGroup var claims: ClaimOptions

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            let parts = email.split(separator: "@")
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
                throw ValidationError("--email: '\(email)' is not an email address")
            }
            guard (password != nil) != passwordStdin else {
                throw ValidationError("give exactly one of --password or --password-stdin")
            }
            if let password, password.count < 8 {
                throw ValidationError("the password must be at least 8 characters")
            }
            _ = try claims.change(name: name)
        }

        func run() async throws {
            let secret: Secret
            if let password {
                secret = Secret(password)
            } else {
                let line = readLine(strippingNewline: true) ?? ""
                guard line.count >= 8 else { throw ValidationError("the password must be at least 8 characters") }
                secret = Secret(line)
            }
            let profile = try claims.change(name: name)
            let user = try await options.withProvider {
                try await $0.administration.addUser(email: email, password: secret, profile: profile)
            }
            print("user \(user.id) <\(user.email)> added")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's name and standard claims (updated_at becomes now).")

        @Option(help: "The email address of the user to change.")
        var email: String

        @Option(help: "The user's display name (the name claim).")
        var name: String?

        @OptionGroup var claims: ClaimOptions

        @Option(name: .customLong("unset-claim"), help: ArgumentHelp("Remove a standard claim, such as nickname or address (repeatable).",
                                                                     valueName: "name"))
        var unsetClaims: [String] = []

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            guard try !claims.change(name: name, unset: unsetClaims).isEmpty else {
                throw ValidationError("nothing to change: give --name, --claim, --address-json or --unset-claim")
            }
        }

        func run() async throws {
            let (email, profile) = (self.email, try claims.change(name: name, unset: unsetClaims))
            let user = try await options.withProvider { try await $0.administration.updateUser(email: email, profile: profile) }
            print("user \(user.id) <\(user.email)> updated")
        }
    }
}
