import ArgumentParser
import TesseraCore
import TesseraServer

extension APIsCommand {
    /// `tessera apis list`: every registered API, oldest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered APIs.")

        @Flag(help: "Print one JSON array of {identifier, name, scopes, scope_descriptions}.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let apis = try await options.withProvider { provider in
                try await AdminOutput.all { try await provider.administration.apis($0) }
            }
            if json {
                try AdminOutput.printJSON(apis.map(AdminOutput.json))
            } else {
                for api in apis {
                    print("\(api.identifier)  \(api.name)  \(api.scopes)")
                }
            }
        }
    }

    /// `tessera apis update IDENTIFIER`: a new name, or a new list of permissions.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename an API or replace its permissions (a permission a client grant holds cannot be dropped).")

        @Argument(help: "The API's identifier.")
        var identifier: String

        @Option(help: "The API's new name.")
        var name: String?

        @Option(name: .customLong("scope"), help: "A permission the API defines (repeatable; replaces the whole list).")
        var scopes: [String] = []

        @Option(name: .customLong("scope-description"),
                help: "What a permission allows: SCOPE=TEXT (repeatable; replaces every description).")
        var scopeDescriptions: [String] = []

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            guard name != nil || !scopes.isEmpty || !scopeDescriptions.isEmpty else {
                throw ValidationError("nothing to change: give --name, --scope or --scope-description")
            }
            _ = try ScopeDescriptionOption.parse(scopeDescriptions)
        }

        func run() async throws {
            let (identifier, name, scopes) = (self.identifier, self.name, self.scopes.isEmpty ? nil : Scope(self.scopes))
            let descriptions = scopeDescriptions.isEmpty ? nil : try ScopeDescriptionOption.parse(scopeDescriptions)
            let api = try await options.withProvider {
                try await $0.administration.updateAPI(identifier: identifier, name: name, scopes: scopes, scopeDescriptions: descriptions)
            }
            print("API \(api.identifier) (\(api.name)) updated\(api.scopes.isEmpty ? "" : "; scopes: \(api.scopes)")")
        }
    }

    /// `tessera apis remove IDENTIFIER`: the API and every client grant for it go.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an API with its client grants and users' consents (issued tokens live out their lifetime).")

        @Argument(help: "The API's identifier.")
        var identifier: String

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let identifier = self.identifier
            let grants = try await options.withProvider { try await $0.administration.removeAPI(identifier: identifier) }
            print("API \(identifier) removed, with \(grants.count) client grant\(grants.count == 1 ? "" : "s")")
        }
    }
}
