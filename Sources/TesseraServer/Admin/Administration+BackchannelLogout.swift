extension Administration {
    /// Sets (`uri`) or removes (`nil`) the back-channel logout URI of a registered client, as
    /// `tessera clients update` does.
    /// - Throws: ``RegistrationError`` for a URI that breaks the rules of ``BackchannelLogoutURI``
    ///   or a client that does not exist.
    public func setBackchannelLogout(clientID: String, uri: String?, sessionRequired: Bool = true) async throws {
        if let uri {
            try BackchannelLogoutURI.validate(uri)
        }
        guard try await store.setBackchannelLogout(clientID: clientID, uri: uri, sessionRequired: sessionRequired) else {
            throw RegistrationError.invalid("there is no client with the id \(clientID)")
        }
    }
}
