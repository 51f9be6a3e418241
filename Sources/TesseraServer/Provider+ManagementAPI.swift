import Foundation
public import TesseraCore

/// The management API (`/api/v2/…`) as an API of the provider's own: machine clients get tokens for
/// it with client_credentials and a client grant for ``managementAudience``, like for any API.
///
/// `tessera serve` registers it when it starts, so a fresh database can be administered over HTTP as
/// soon as one client is granted it (`tessera grants add --client ID --api ISSUER/api/v2/ --scope read:clients`).
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
    public var managementAudience: String { configuration.issuer + "/api/v2/" }

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

    /// Registers the management API when it is missing; a no-op when it exists. `tessera serve`
    /// calls it once the provider is open (not every command that opens one: `tessera apis list`
    /// run with another issuer must not register an API for it). Two nodes starting at once may
    /// both insert: the loser's insert writes nothing, and it carries on with the winner's row.
    public func registerManagementAPI() async throws {
        let identifier = managementAudience
        guard try await store.api(identifier: identifier) == nil else { return }
        _ = try await store.insert(API(identifier: identifier, name: Self.managementAPIName, scopes: Scope(Self.managementScopes)),
                                   at: clock.now())
    }
}
