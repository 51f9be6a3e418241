public import TesseraCore

/// An administrator's authorization of one client to get tokens for one API (Auth0's "client
/// grant"): the permissions of that API the client may ever put in a token. Without one, the
/// client gets no token for the API at all (deny by default).
public struct ClientGrant: Sendable, Equatable {
    public var clientID: String
    /// The API's identifier: the `audience` the client names.
    public var apiIdentifier: String
    /// The API permissions the client may be granted; a subset of the API's.
    public var scopes: Scope

    public init(clientID: String, apiIdentifier: String, scopes: Scope) {
        self.clientID = clientID
        self.apiIdentifier = apiIdentifier
        self.scopes = scopes
    }
}
