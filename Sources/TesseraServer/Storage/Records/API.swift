public import TesseraCore

/// A resource server (Auth0's "API"): what an access token's `audience` names.
public struct API: Sendable, Equatable {
    /// The `audience` value clients ask for, usually the API's URL.
    public var identifier: String
    public var name: String
    /// The permissions the API defines; a token for it carries a subset.
    public var scopes: Scope

    public init(identifier: String, name: String, scopes: Scope) {
        self.identifier = identifier
        self.name = name
        self.scopes = scopes
    }
}
