import ArgumentParser
import TesseraCore
import TesseraServer

extension GrantsCommand {
    /// `tessera grants update`: replaces the permissions of one client grant, named by its id or
    /// by its client and API.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the permissions of a client grant (issued tokens keep theirs until they expire).",
            discussion: "Name the grant by its id (grants list) or by --client and --api.")

        @Argument(help: "The grant's id (cgr_…).")
        var id: String?

        @Option(help: "The client's id.")
        var client: String?

        @Option(help: "The API's identifier.")
        var api: String?

        @Option(name: .customLong("scope"), help: "A permission of the API the client may get (repeatable; replaces the whole list).")
        var scopes: [String] = []

        @OptionGroup var options: ProviderOptions

        mutating func validate() throws {
            guard (id != nil) != (client != nil || api != nil), id != nil || (client != nil && api != nil) else {
                throw ValidationError("name the grant by its id, or by --client and --api")
            }
            guard !scopes.isEmpty else {
                throw ValidationError("give the grant's permissions with --scope (to withdraw the grant: grants remove)")
            }
            guard Scope(scopes).isWellFormed else {
                throw ValidationError("--scope: a permission contains characters RFC 6749 does not allow")
            }
        }

        func run() async throws {
            let (id, client, api, scopes) = (self.id, self.client, self.api, Scope(self.scopes))
            let grant = try await options.withProvider { provider in
                let administration = provider.administration
                var grantID = id ?? ""
                if let client, let api {
                    grantID = try await administration.clientGrant(clientID: client, apiIdentifier: api).id
                }
                return try await administration.updateClientGrant(id: grantID, scopes: scopes)
            }
            print("client grant \(grant.id): client \(grant.clientID) granted \(grant.apiIdentifier) with scopes: \(grant.scopes)")
        }
    }
}
