public import TesseraCore

extension Administration {
    /// An initial access token (RFC 7591 §3): what `serve --registration token` asks a
    /// registration to carry, as `Authorization: Bearer`.
    public struct InitialAccessToken: Sendable {
        /// The token, shown once: only its SHA-256 is stored.
        public let token: Secret
        public let expiresAt: Int
        public let uses: Int
    }

    /// The longest an initial access token may live: a year.
    public static let maximumInitialAccessTokenLifetime = 365 * 86_400
    /// The most registrations one initial access token may pay for.
    public static let maximumInitialAccessTokenUses = 1_000_000

    /// Makes an initial access token good for `uses` registrations within `expiresIn` seconds
    /// (`tessera registration token create`).
    /// - Throws: ``RegistrationError`` for a lifetime or a use count out of range; nothing is written then.
    public func createInitialAccessToken(expiresIn: Int, uses: Int) async throws -> InitialAccessToken {
        guard (1...Self.maximumInitialAccessTokenLifetime).contains(expiresIn) else {
            throw RegistrationError.invalid("--expires-in must be between 1 and \(Self.maximumInitialAccessTokenLifetime) seconds")
        }
        guard (1...Self.maximumInitialAccessTokenUses).contains(uses) else {
            throw RegistrationError.invalid("--uses must be between 1 and \(Self.maximumInitialAccessTokenUses)")
        }
        let token = Secret.random()
        let now = clock.now()
        try await store.insertInitialAccessToken(hash: SecretHash(of: token), uses: uses, expiresAt: now + expiresIn, at: now)
        return InitialAccessToken(token: token, expiresAt: now + expiresIn, uses: uses)
    }
}
