import Foundation
public import TesseraCore

/// The management API (`/api/v2/…`) as an API of the provider's own: machine clients get tokens for
/// it with client_credentials and a client grant for ``managementAudience``, like for any API.
///
/// It is registered when the provider opens, so a fresh database can be administered over HTTP as
/// soon as one client is granted it (`tessera grants add CLIENT ISSUER/api/v2/ --scope read:clients`).
extension Provider {
    /// The name the management API is registered under.
    public static let managementAPIName = "Tessera Management API"

    /// The permissions of the management API, one per operation kind, as Auth0's.
    public static let managementScopes: [String] = [
        "read:clients", "create:clients", "update:clients", "delete:clients",
        "read:users", "create:users", "update:users", "delete:users",
        "read:resource_servers", "create:resource_servers", "update:resource_servers", "delete:resource_servers",
        "read:client_grants", "create:client_grants", "update:client_grants", "delete:client_grants",
        "read:signing_keys", "create:signing_keys",
        "read:logs",
    ]

    /// The management API's identifier: the audience of its tokens, `ISSUER/api/v2/`.
    public var managementAudience: String { Self.managementAudience(issuer: configuration.issuer) }

    static func managementAudience(issuer: String) -> String { issuer + "/api/v2/" }

    /// Whether `api` is the management API of some issuer: it may not be changed or removed through
    /// the API or the CLI, which would lock its administrators out.
    public static func isManagementAPI(_ api: API) -> Bool {
        api.name == managementAPIName && api.identifier.hasSuffix("/api/v2/")
    }

    /// Refuses a change to the management API itself (its permissions are what its callers are
    /// checked against): 400 through the API, an error line from the CLI.
    /// - Throws: ``RegistrationError/invalid(_:)`` when `api` is the management API.
    public static func refuseChangingManagementAPI(_ api: API) throws(RegistrationError) {
        guard !isManagementAPI(api) else {
            throw .invalid("\(api.identifier) is the \(managementAPIName), which cannot be changed or removed")
        }
    }

    /// Registers the management API when it is missing; a no-op when it exists. Two nodes opening
    /// at once may both insert: the loser finds the winner's row and carries on.
    static func registerManagementAPI(in store: SQLStore, issuer: String, now: Int) async throws {
        let identifier = managementAudience(issuer: issuer)
        guard try await store.api(identifier: identifier) == nil else { return }
        let api = API(identifier: identifier, name: managementAPIName, scopes: Scope(managementScopes))
        do {
            try await store.insert(api, at: now)
        } catch {
            guard try await store.api(identifier: identifier) != nil else { throw error }
        }
    }
}
