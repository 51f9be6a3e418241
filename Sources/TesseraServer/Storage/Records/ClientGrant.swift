public import TesseraCore

/// An administrator's authorization of one client to get tokens for one API (Auth0's "client
/// grant"): the permissions of that API the client may ever put in a token. Without one, the
/// client gets no token for the API at all (deny by default).
public struct ClientGrant: Sendable, Equatable {
    /// `cgr_` and 16 letters and digits (migration 24 gave older grants one): how the management
    /// API's `/client-grants/{id}` and `tessera grants update` name it.
    public var id: String
    public var clientID: String
    /// The API's identifier: the `audience` the client names.
    public var apiIdentifier: String
    /// The API permissions the client may be granted; a subset of the API's.
    public var scopes: Scope

    /// - Parameter id: a fresh ``newID()`` unless the grant is read back from storage.
    public init(id: String = ClientGrant.newID(), clientID: String, apiIdentifier: String, scopes: Scope) {
        self.id = id
        self.clientID = clientID
        self.apiIdentifier = apiIdentifier
        self.scopes = scopes
    }

    /// A new grant id from the system's CSPRNG, shaped like Auth0's (`cgr_…`).
    public static func newID() -> String {
        "cgr_" + RandomIdentifier.alphanumeric(count: 16)
    }
}
