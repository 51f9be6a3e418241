import ArgumentParser
import Foundation
import TesseraCore
import TesseraServer

/// `tessera grants add|list|update|remove`: which client may get tokens for which API, with which
/// permissions (Auth0's client grants). Without a grant a client gets no token for an API.
struct GrantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grants", abstract: "Manage client grants: which client may get tokens for which API.",
                                                    subcommands: [Add.self, List.self, Update.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a client access to an API, with some of its permissions.")

        @Option(help: "The client's id (from clients add).")
        var client: String

        @Option(help: "The API's identifier (from apis add).")
        var api: String

        @Option(name: .customLong("scope"), help: "A permission of the API the client may get (repeatable; none: an audience-only token).")
        var scopes: [String] = []

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            guard Scope(scopes).isWellFormed else {
                throw ValidationError("--scope: a permission contains characters RFC 6749 does not allow")
            }
        }

        func run() async throws {
            let (client, api, scopes) = (self.client, self.api, Scope(self.scopes))
            let grant = try await options.withProvider {
                try await $0.administration.addClientGrant(clientID: client, apiIdentifier: api, scopes: scopes)
            }
            print("client \(grant.clientID) granted \(grant.apiIdentifier)\(grant.scopes.isEmpty ? " (no permissions)" : " with scopes: \(grant.scopes)")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every client grant.")

        @Flag(help: "Print one JSON array of {id, client_id, audience, scope}.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let grants = try await options.withProvider { try await $0.administration.clientGrants() }
            if json {
                try AdminOutput.printJSON(grants.map(AdminOutput.json))
            } else {
                for grant in grants {
                    print("\(grant.id)  \(grant.clientID)  \(grant.apiIdentifier)  \(grant.scopes)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a client's grant for an API (access tokens already issued live out their lifetime; their refreshes are refused).")

        @Option(help: "The client's id.")
        var client: String

        @Option(help: "The API's identifier.")
        var api: String

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let (client, api) = (self.client, self.api)
            try await options.withProvider { try await $0.administration.removeClientGrant(clientID: client, apiIdentifier: api) }
            print("client \(client) no longer granted \(api)")
        }
    }
}
