import ArgumentParser
import TesseraCore
import TesseraServer

extension UsersCommand {
    /// `tessera users list [--email]`: every user, oldest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users.")

        @Option(help: "Only the user with this email address.")
        var email: String?

        @Flag(help: "Print one JSON array of users (user_id, email, name, email_verified, created_at, updated_at and standard claims).")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let email = self.email
            let users = try await options.withProvider { provider in
                try await AdminOutput.all { try await provider.administration.users($0, email: email) }
            }
            if json {
                try AdminOutput.printJSON(users.map(AdminOutput.json))
            } else {
                for user in users {
                    print("\(user.id)  <\(user.email)>  \(user.name)")
                }
            }
        }
    }

    /// `tessera users show USER`: one user's claims.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user's standard claims.")

        @Argument(help: "The user's id (user_…) or email address.")
        var user: String

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let reference = self.user
            let user = try await options.withProvider { try await UsersCommand.user(reference, in: $0.administration) }
            if json {
                try AdminOutput.printJSON(AdminOutput.json(user))
            } else {
                print("user_id:        \(user.id)")
                print("email:          \(user.email) (\(user.emailVerified ? "verified" : "not verified"))")
                print("name:           \(user.name)")
                for (claim, value) in user.claims.sorted(by: { $0.key < $1.key }) {
                    print("\(claim): \(try AdminOutput.text(value))")
                }
            }
        }
    }

    /// `tessera users remove USER`: the user's sessions end, their tokens are revoked, and they go.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user: their sessions end (clients are told by back-channel logout), their tokens are revoked.")

        @Argument(help: "The user's id (user_…) or email address.")
        var user: String

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let reference = self.user
            let removed = try await options.withProvider { provider in
                let user = try await UsersCommand.user(reference, in: provider.administration)
                try await provider.administration.removeUser(id: user.id)
                return user
            }
            print("user \(removed.id) <\(removed.email)> removed, with their sessions, tokens and consents")
        }
    }

    /// The user `reference` names: an email address when it holds `@` (ids never do), else an id.
    static func user(_ reference: String, in administration: Administration) async throws -> User {
        reference.contains("@") ? try await administration.user(email: reference) : try await administration.user(id: reference)
    }
}
