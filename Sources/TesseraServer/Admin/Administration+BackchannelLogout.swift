extension Administration {
    /// Sets (`uri`) or removes (`nil`) the back-channel logout URI of a registered client: the
    /// one-setting form of ``updateClient(clientID:_:)``.
    /// - Throws: ``RegistrationError`` for a URI that breaks the rules of ``BackchannelLogoutURI``
    ///   or a client that does not exist.
    public func setBackchannelLogout(clientID: String, uri: String?, sessionRequired: Bool = true) async throws {
        try await updateClient(clientID: clientID, ClientUpdate(
            backchannelLogout: uri.map { .on(uri: $0, sessionRequired: sessionRequired) } ?? .off))
    }
}
