extension Administration {
    /// The consents the user with `email` has given third-party clients (`tessera users consents list`).
    /// - Throws: ``RegistrationError`` when there is no such user.
    public func consents(email: String) async throws -> [Consent] {
        try await store.consents(userID: try await user(email: email).id)
    }

    /// Withdraws the consent the user with `email` gave `clientID` and revokes that client's grants
    /// for the user: its refresh and access tokens stop working, and a client with a back-channel
    /// logout URI is told (`tessera users consents revoke`). The next login asks again.
    /// - Throws: ``RegistrationError`` when there is no such user or client, or no consent; then
    ///   nothing is changed.
    public func revokeConsent(email: String, clientID: String) async throws {
        let user = try await user(email: email)
        guard try await store.client(id: clientID) != nil else { throw Self.noClient(clientID) }
        guard try await store.revokeConsent(userID: user.id, clientID: clientID, at: clock.now()) else {
            throw RegistrationError.notFound("\(user.email) has not consented to client \(clientID)")
        }
        await record(.consentRevoked, clientID: clientID, userID: user.id)
    }
}
