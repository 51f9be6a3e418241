extension Administration {
    /// Applies `update` to a registered client in one transaction, as `tessera clients update` does.
    /// - Throws: ``RegistrationError`` for a back-channel logout URI that breaks the rules of
    ///   ``BackchannelLogoutURI``, or a client that does not exist; nothing is written then.
    public func updateClient(clientID: String, _ update: ClientUpdate) async throws {
        if case .on(let uri, _) = update.backchannelLogout {
            try BackchannelLogoutURI.validate(uri)
        }
        guard try await store.updateClient(id: clientID, update) else {
            throw RegistrationError.invalid("there is no client with the id \(clientID)")
        }
    }
}
