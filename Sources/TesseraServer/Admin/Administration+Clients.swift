public import TesseraCore

/// The client operations behind `tessera clients list|show|update|remove|rotate-secret` and the
/// management API's `/api/v2/clients`. Every check runs before anything is written.
extension Administration {
    /// Registered clients oldest first, a page at a time.
    public func clients(_ request: PageRequest) async throws -> ResultPage<Client> {
        try await store.clients(request)
    }

    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such client.
    public func client(id: String) async throws -> Client {
        guard let client = try await store.client(id: id) else { throw Self.noClient(id) }
        return client
    }

    /// Applies `update` to a registered client in one transaction, checking the client it makes by
    /// the rules of `tessera clients add`; returns the client as changed.
    /// - Throws: ``RegistrationError`` for a change that breaks a rule (nothing is written then),
    ///   or ``RegistrationError/notFound(_:)`` for a client that does not exist.
    @discardableResult
    public func updateClient(clientID: String, _ update: ClientUpdate) async throws -> Client {
        guard let (_, after) = try await store.updateClient(id: clientID, { client in try update.applied(to: client) }) else {
            throw Self.noClient(clientID)
        }
        await record(.clientUpdated, clientID: clientID, details: ["fields": Self.strings(update.fieldNames)])
        return after
    }

    /// Removes a client and everything it holds: its grants with their refresh and access tokens
    /// (revoked at once: introspection answers inactive), its client grants, the consents users gave
    /// it, its pending pushed requests and logout tokens — one transaction. Removing is what Auth0's
    /// `DELETE /api/v2/clients/{id}` and Keycloak's client removal do too.
    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such client.
    public func removeClient(id: String) async throws {
        guard let client = try await store.deleteClient(id: id) else { throw Self.noClient(id) }
        await record(.clientDeleted, clientID: id, details: ["client_name": .string(client.name)])
    }

    /// Gives a confidential client a new 256-bit secret, stored as its SHA-256; the old secret
    /// stops working at once, on every node (the client cache drops the record). The new secret is
    /// returned once and never again.
    /// - Throws: ``RegistrationError/invalid(_:)`` for a public client (it has no secret), or
    ///   ``RegistrationError/notFound(_:)`` for a client that does not exist.
    public func rotateClientSecret(id: String) async throws -> Secret {
        let secret = Secret.random()
        switch try await store.replaceClientSecret(id: id, with: SecretHash(of: secret)) {
        case .replaced:
            await record(.clientSecretRotated, clientID: id)
            return secret
        case .publicClient: throw RegistrationError.invalid("client \(id) is a public client: it has no secret to rotate")
        case .notFound: throw Self.noClient(id)
        }
    }

    static func noClient(_ id: String) -> RegistrationError {
        .notFound("there is no client with the id \(id)")
    }
}
