import ArgumentParser
import TesseraCore
import TesseraServer

/// `tessera apis add|list|update|remove`: the resource servers access tokens can be issued for.
struct APIsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apis", abstract: "Manage APIs (resource servers).",
                                                    subcommands: [Add.self, List.self, Update.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an API; clients ask for tokens to it with audience=IDENTIFIER (or resource=IDENTIFIER, RFC 8707).")

        @Option(help: "The API's identifier, the audience clients name (a URL, e.g. https://api.example.com).")
        var identifier: String

        @Option(help: "The API's name.")
        var name: String

        @Option(name: .customLong("scope"), help: "A permission the API defines, e.g. read:orders (repeatable).")
        var scopes: [String] = []

        @Option(name: .customLong("scope-description"),
                help: "What a permission allows, shown on the consent page: SCOPE=TEXT, e.g. 'read:orders=Read your orders' (repeatable).")
        var scopeDescriptions: [String] = []

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            do {
                try APIRegistration.validate(identifier: identifier, name: name, scopes: Scope(scopes),
                                             descriptions: try ScopeDescriptionOption.parse(scopeDescriptions))
            } catch let error as RegistrationError {
                throw ValidationError(error.description)
            }
        }

        func run() async throws {
            let (identifier, name, scopes) = (self.identifier, self.name, Scope(self.scopes))
            let descriptions = try ScopeDescriptionOption.parse(scopeDescriptions)
            let api = try await options.withProvider {
                try await $0.administration.addAPI(identifier: identifier, name: name, scopes: scopes, scopeDescriptions: descriptions)
            }
            print("API \(api.identifier) (\(api.name)) added\(api.scopes.isEmpty ? "" : " with scopes: \(api.scopes)")")
        }
    }
}
