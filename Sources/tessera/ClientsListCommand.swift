import ArgumentParser
import TesseraCore
import TesseraServer

extension ClientsCommand {
    /// `tessera clients list`: every registered application, oldest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered applications.")

        @Flag(help: "Print one JSON array of clients (client_id, client_name, grant_types, redirect_uris, …; never a secret).")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let clients = try await options.withProvider { provider in
                try await AdminOutput.all { try await provider.administration.clients($0) }
            }
            if json {
                try AdminOutput.printJSON(clients.map(AdminOutput.json))
            } else {
                for client in clients {
                    let kind = client.isPublic ? "public" : "confidential"
                    print("\(client.id)  \(client.name)  \(kind)  \(client.grantTypes.map(\.rawValue).joined(separator: ","))")
                }
            }
        }
    }

    /// `tessera clients show CLIENT_ID`: one application's settings.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a registered application's settings.")

        @Argument(help: "The client_id of the application.")
        var clientID: String

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let clientID = self.clientID
            let client = try await options.withProvider { try await $0.administration.client(id: clientID) }
            if json {
                try AdminOutput.printJSON(AdminOutput.json(client))
            } else {
                print("client_id:      \(client.id)")
                print("name:           \(client.name)")
                print("type:           \(client.isPublic ? "public" : "confidential")\(client.isThirdParty ? ", third-party" : "")")
                print("grant types:    \(client.grantTypes.map(\.rawValue).joined(separator: " "))")
                print("redirect URIs:  \(client.redirectURIs.joined(separator: " "))")
                if !client.postLogoutRedirectURIs.isEmpty {
                    print("post-logout:    \(client.postLogoutRedirectURIs.joined(separator: " "))")
                }
                print("id_token alg:   \(client.idTokenAlgorithm)")
                print("requires PAR:   \(client.requiresPushedAuthorization)")
                print("requires DPoP:  \(client.requiresDPoP)")
                if let uri = client.backchannelLogoutURI { print("back-channel:   \(uri)") }
            }
        }
    }

    /// `tessera clients remove CLIENT_ID`: the application and everything it holds go.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an application with its tokens (revoked at once), client grants and consents.")

        @Argument(help: "The client_id of the application.")
        var clientID: String

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let clientID = self.clientID
            try await options.withProvider { try await $0.administration.removeClient(id: clientID) }
            print("client \(clientID) removed, with its tokens, client grants and consents")
        }
    }

    /// `tessera clients rotate-secret CLIENT_ID`: a new secret, shown once; the old one stops working.
    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a confidential application a new secret (shown once); the old one stops working at once.")

        @Argument(help: "The client_id of the application.")
        var clientID: String

        @Flag(help: "Print one JSON object with client_id and client_secret.")
        var json = false

        @OptionGroup var options: ProviderOptions

        func run() async throws {
            let clientID = self.clientID
            let secret = try await options.withProvider { try await $0.administration.rotateClientSecret(id: clientID) }
            if json {
                try AdminOutput.printJSON(["client_id": clientID, "client_secret": secret.unredacted])
            } else {
                print("client_secret: \(secret.unredacted)   (shown once; only its hash is stored)")
            }
        }
    }
}
