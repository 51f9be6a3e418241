public import TesseraCore

/// The operations behind `tessera grants add|list|update|remove` and the management API's
/// `/api/v2/client-grants`: which client may get tokens for which API (see ``APIAccess``). Every
/// check runs before anything is written.
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
        try Self.check(scopes, definedBy: api)
        // Checked first for the common case, and again by the insert for a grant added since.
        if try await store.clientGrant(clientID: clientID, apiIdentifier: apiIdentifier) != nil {
            throw Self.grantExists(clientID, apiIdentifier)
        }
        let grant = ClientGrant(clientID: clientID, apiIdentifier: apiIdentifier, scopes: scopes)
        guard try await store.insert(grant, at: clock.now()) else { throw Self.grantExists(clientID, apiIdentifier) }
        await record(.clientGrantCreated, clientID: clientID, details: Self.details(of: grant))
        return grant
    }

    /// Every client grant, by client and API.
    public func clientGrants() async throws -> [ClientGrant] {
        try await store.clientGrants()
    }

    /// Client grants by client and API, a page at a time; optionally only those of one client or
    /// for one API.
    public func clientGrants(_ request: PageRequest, clientID: String? = nil, apiIdentifier: String? = nil) async throws -> ResultPage<ClientGrant> {
        try await store.clientGrants(request, clientID: clientID, apiIdentifier: apiIdentifier)
    }

    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such grant.
    public func clientGrant(id: String) async throws -> ClientGrant {
        guard let grant = try await store.clientGrant(id: id) else { throw Self.noClientGrant(id) }
        return grant
    }

    /// The grant of `clientID` for `apiIdentifier`.
    /// - Throws: ``RegistrationError/notFound(_:)`` when there is none.
    public func clientGrant(clientID: String, apiIdentifier: String) async throws -> ClientGrant {
        guard let grant = try await store.clientGrant(clientID: clientID, apiIdentifier: apiIdentifier) else {
            throw RegistrationError.notFound("client \(clientID) has no grant for \(apiIdentifier)")
        }
        return grant
    }

    /// Replaces the permissions of a grant, in one transaction; tokens already issued keep theirs
    /// until they expire, refreshes get at most the new ones.
    /// - Throws: ``RegistrationError`` for a permission the API does not define (nothing is written
    ///   then), or ``RegistrationError/notFound(_:)`` when there is no such grant.
    public func updateClientGrant(id: String, scopes: Scope) async throws -> ClientGrant {
        guard let (before, after) = try await store.updateClientGrant(id: id, { _, api in
            try Self.check(scopes, definedBy: api)
            return scopes
        }) else {
            throw Self.noClientGrant(id)
        }
        var details = Self.details(of: after)
        details["previous_scopes"] = Self.strings(before.scopes.tokens)
        await record(.clientGrantUpdated, clientID: after.clientID, details: details)
        return after
    }

    /// Withdraws a grant; tokens already issued stay valid until they expire.
    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such grant.
    public func removeClientGrant(id: String) async throws {
        guard let grant = try await store.deleteClientGrant(id: id) else { throw Self.noClientGrant(id) }
        await record(.clientGrantDeleted, clientID: grant.clientID, details: Self.details(of: grant))
    }

    /// Withdraws a client's grant for an API; tokens already issued stay valid until they expire.
    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such grant.
    public func removeClientGrant(clientID: String, apiIdentifier: String) async throws {
        guard let grant = try await store.removeClientGrant(clientID: clientID, apiIdentifier: apiIdentifier) else {
            throw RegistrationError.notFound("client \(clientID) has no grant for \(apiIdentifier)")
        }
        await record(.clientGrantDeleted, clientID: clientID, details: Self.details(of: grant))
    }

    /// Every permission of a grant is one the API defines.
    private static func check(_ scopes: Scope, definedBy api: API) throws(RegistrationError) {
        guard scopes.isWellFormed else { throw .invalid("a scope contains characters RFC 6749 does not allow") }
        if let undefined = scopes.tokens.first(where: { !api.scopes.contains($0) }) {
            throw .invalid("the API \(api.identifier) does not define the permission '\(undefined)'")
        }
    }

    /// What an audit event says of a grant: its id, API and permissions.
    private static func details(of grant: ClientGrant) -> [String: JSONValue] {
        ["id": .string(grant.id), "audience": .string(grant.apiIdentifier), "scopes": strings(grant.scopes.tokens)]
    }

    static func grantExists(_ clientID: String, _ apiIdentifier: String) -> RegistrationError {
        .duplicate("client \(clientID) already has a grant for \(apiIdentifier); update or remove it")
    }

    static func noClientGrant(_ id: String) -> RegistrationError {
        .notFound("there is no client grant with the id \(id)")
    }
}
