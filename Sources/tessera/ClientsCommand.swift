import ArgumentParser
import Foundation
import TesseraCore
import TesseraServer

/// `tessera clients add|list|show|update|remove|rotate-secret`: registers and manages applications.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clients", abstract: "Manage applications (OAuth clients).",
                                                    subcommands: [Add.self, List.self, Show.self, Update.self, Remove.self, RotateSecret.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an application and print its credentials.")

        @Option(help: "The application's name, shown on the login page.")
        var name: String

        @Option(name: .customLong("redirect-uri"), help: "An exact redirect URI (repeatable).")
        var redirectURIs: [String] = []

        @Option(name: .customLong("post-logout-redirect-uri"), help: "Where logout may return to (repeatable).")
        var postLogoutRedirectURIs: [String] = []

        @Flag(name: .customLong("public"), help: "A public client (SPA, native app): no secret, PKCE required.")
        var isPublic = false

        @Option(name: .customLong("grant-type"), help: "authorization_code (default, with refresh_token) or client_credentials (repeatable).")
        var grantTypes: [String] = []

        @Option(name: .customLong("id-token-alg"), help: "id_token signing algorithm: RS256, ES256 or EdDSA.")
        var idTokenAlgorithm = "RS256"

        @Flag(name: .customLong("require-par"), help: "Accept only pushed authorization requests (RFC 9126) at /authorize.")
        var requiresPushedAuthorization = false

        @Flag(name: .customLong("third-party"), help: "An application the provider's owner does not control: users are asked for consent.")
        var isThirdParty = false

        @Flag(name: .customLong("require-dpop"), help: "Every token request must carry a DPoP proof (RFC 9449 §5.2): its tokens are always key-bound.")
        var requiresDPoP = false

        @OptionGroup var backchannelLogout: BackchannelLogoutOptions

        @Flag(help: "Print one JSON object with client_id and client_secret.")
        var json = false

        @OptionGroup var options: ProviderOptions

        var registration: ClientRegistration {
            get throws {
                guard let algorithm = SigningAlgorithm(rawValue: idTokenAlgorithm) else {
                    throw ValidationError("--id-token-alg must be RS256, ES256 or EdDSA")
                }
                var grants = grantTypes.map { GrantType($0) }
                if grants.isEmpty { grants = [GrantType.authorizationCode, GrantType.refreshToken] }
                if grants == [GrantType.authorizationCode] { grants.append(GrantType.refreshToken) }
                var registration = ClientRegistration(name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs,
                                                      isPublic: isPublic, grantTypes: grants, idTokenAlgorithm: algorithm,
                                                      requiresPushedAuthorization: requiresPushedAuthorization)
                registration.backchannelLogoutURI = backchannelLogout.uri
                registration.backchannelLogoutSessionRequired = backchannelLogout.sessionRequired
                registration.isThirdParty = isThirdParty
                registration.requiresDPoP = requiresDPoP
                return registration
            }
        }

        mutating func validate() throws {
            do {
                try registration.validate()
            } catch let error as RegistrationError {
                throw ValidationError(error.description)
            }
        }

        func run() async throws {
            let registration = try self.registration
            let registered = try await options.withProvider { try await $0.administration.addClient(registration) }
            if json {
                var object: [String: String] = ["client_id": registered.client.id, "name": registered.client.name]
                if let secret = registered.secret { object["client_secret"] = secret.unredacted }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("client_id:     \(registered.client.id)")
                if let secret = registered.secret {
                    print("client_secret: \(secret.unredacted)   (shown once; only its hash is stored)")
                }
            }
        }
    }
}
