public import TesseraCore

/// A resource server (Auth0's "API"): what an access token's `audience` names.
public struct API: Sendable, Equatable {
    /// The `audience` value clients ask for, usually the API's URL.
    public var identifier: String
    public var name: String
    /// The permissions the API defines; a token for it carries a subset.
    public var scopes: Scope
    /// What each permission allows, in words, by scope (Auth0's scope `description`): shown on the
    /// consent page, so a user grants "Read your orders" rather than `read:orders`. Only the
    /// scopes the API defines have one, and not every scope needs one.
    public var scopeDescriptions: [String: String]

    public init(identifier: String, name: String, scopes: Scope, scopeDescriptions: [String: String] = [:]) {
        self.identifier = identifier
        self.name = name
        self.scopes = scopes
        self.scopeDescriptions = scopeDescriptions
    }
}
