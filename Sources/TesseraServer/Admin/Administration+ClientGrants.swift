public import TesseraCore

/// The operations behind `tessera grants add|list|remove`: which client may get tokens for which
/// API (see ``APIAccess``). Every check runs before anything is written.
extension Administration {
    /// Grants `clientID` access to the API `apiIdentifier` with `scopes` (all of them permissions
    /// the API defines; none is an audience-only token).
    /// - Throws: ``RegistrationError`` for an unknown client or API, a permission the API does not
    ///   define, or a grant that already exists.
    public func addClientGrant(clientID: String, apiIdentifier: String, scopes: Scope) async throws -> ClientGrant {
        guard try await store.client(id: clientID) != nil else {
            throw RegistrationError.invalid("no client with the id \(clientID)")
        }
        guard let api = try await store.api(identifier: apiIdentifier) else {
            throw RegistrationError.invalid("no API with the identifier \(apiIdentifier)")
        }
        if let undefined = scopes.tokens.first(where: { !api.scopes.contains($0) }) {
            throw RegistrationError.invalid("the API \(apiIdentifier) does not define the permission '\(undefined)'")
        }
        if try await store.clientGrant(clientID: clientID, apiIdentifier: apiIdentifier) != nil {
            throw RegistrationError.duplicate("client \(clientID) already has a grant for \(apiIdentifier); remove it first to change it")
        }
        let grant = ClientGrant(clientID: clientID, apiIdentifier: apiIdentifier, scopes: scopes)
        try await store.insert(grant, at: clock.now())
        return grant
    }

    /// Every client grant, by client and API.
    public func clientGrants() async throws -> [ClientGrant] {
        try await store.clientGrants()
    }

    /// Withdraws a client's grant for an API; tokens already issued stay valid until they expire.
    /// - Throws: ``RegistrationError`` when there is no such grant.
    public func removeClientGrant(clientID: String, apiIdentifier: String) async throws {
        guard try await store.deleteClientGrant(clientID: clientID, apiIdentifier: apiIdentifier) else {
            throw RegistrationError.invalid("client \(clientID) has no grant for \(apiIdentifier)")
        }
    }
}
