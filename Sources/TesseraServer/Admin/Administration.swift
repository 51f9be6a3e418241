import Foundation
public import TesseraCore

/// The administrative operations behind `tessera clients add`, `apis add`, `grants`, `users add` and `keys rotate`,
/// shared by the CLI, the demo and the tests.
public struct Administration: Sendable {
    let store: SQLStore
    let keyRing: KeyRing
    let passwords: PasswordHasher
    let clock: WallClock

    /// A client as registered, with its secret — shown once, stored only as a hash.
    public struct RegisteredClient: Sendable {
        public let client: Client
        public let secret: Secret?
    }

    /// Registers a client; a confidential client gets a generated 256-bit secret.
    public func addClient(_ registration: ClientRegistration) async throws -> RegisteredClient {
        try registration.validate()
        let secret = registration.isPublic ? nil : Secret.random()
        let client = registration.client(id: Client.newID(), secretHash: secret.map(SecretHash.init(of:)))
        try await store.insert(client, at: clock.now())
        return RegisteredClient(client: client, secret: secret)
    }

    /// Registers an API (resource server) that access tokens can name as their `audience`.
    /// - Throws: ``RegistrationError`` for an identifier that is not an absolute URI or is taken.
    public func addAPI(identifier: String, name: String, scopes: Scope) async throws -> API {
        try APIRegistration.validate(identifier: identifier, name: name, scopes: scopes)
        if try await store.api(identifier: identifier) != nil {
            throw RegistrationError.duplicate("an API with the identifier \(identifier) already exists")
        }
        let api = API(identifier: identifier, name: name, scopes: scopes)
        try await store.insert(api, at: clock.now())
        return api
    }

    /// Adds a user with a bcrypt-hashed password and, optionally, standard claims (see ``ProfileChange``).
    /// - Throws: ``RegistrationError`` for a malformed email, a short password, or a taken email.
    public func addUser(email: String, password: Secret, name: String? = nil, profile: ProfileChange = ProfileChange()) async throws -> User {
        let email = User.normalizedEmail(email)
        let parts = email.split(separator: "@")
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" "), !ControlCharacters.occur(in: email) else {
            throw RegistrationError.invalid("'\(email)' is not an email address")
        }
        try Self.checkPassword(password)
        if try await store.user(email: email) != nil {
            throw RegistrationError.duplicate("a user with the email \(email) already exists")
        }
        var user = User(
            id: "user_" + Secret.random(byteCount: 12).unredacted,
            email: email,
            name: name ?? String(parts[0]),
            emailVerified: true,
            passwordHash: try await passwords.hash(password)
        )
        profile.apply(to: &user)
        user.updatedAt = clock.now()
        try await store.insert(user, at: clock.now())
        return user
    }

    /// Promotes the published next key of `algorithm` and publishes a fresh one; returns the new signing kid.
    public func rotateKeys(_ algorithm: SigningAlgorithm) async throws -> String? {
        try await keyRing.rotate(algorithm, now: clock.now())
    }
}
