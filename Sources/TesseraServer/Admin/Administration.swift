import Foundation
public import TesseraCore

/// The one administration layer: every operation behind `tessera clients|users|apis|grants|keys`
/// and the management API's `/api/v2/…`, shared by the CLI, the management API, the demo and the
/// tests, so each rule and each audit event lives once.
///
/// An administration acts for one ``AuditActor`` (the command line, a management API client) and
/// records an audit event, naming that actor, after every change that succeeded — never for a
/// refused one.
///
/// ```swift
/// let administration = provider.administration(actor: .managementAPI(clientID: caller))
/// let page = try await administration.clients(try PageRequest(page: 0, perPage: 20))
/// ```
public struct Administration: Sendable {
    let store: SQLStore
    let keyRing: KeyRing
    let passwords: PasswordHasher
    let clock: WallClock
    let audit: AuditLog
    /// Who the changes are recorded as made by.
    public let actor: AuditActor
    /// Where the administrator's request came from, when it came over HTTP.
    public let ipAddress: String?

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
        await record(.clientCreated, clientID: client.id, details: [
            "client_name": .string(client.name), "grant_types": Self.strings(client.grantTypes.map(\.rawValue)),
            "public": .bool(client.isPublic), "third_party": .bool(client.isThirdParty),
        ])
        return RegisteredClient(client: client, secret: secret)
    }

    /// Registers an API (resource server) that access tokens can name as their `audience`, with
    /// words for what its permissions allow (an empty description is none).
    /// - Throws: ``RegistrationError`` for an identifier that is not an absolute URI or is taken,
    ///   or a description of a scope the API does not define.
    public func addAPI(identifier: String, name: String, scopes: Scope, scopeDescriptions: [String: String] = [:]) async throws -> API {
        try APIRegistration.validate(identifier: identifier, name: name, scopes: scopes, descriptions: scopeDescriptions)
        if try await store.api(identifier: identifier) != nil { throw Self.apiExists(identifier) }
        let api = API(identifier: identifier, name: name, scopes: scopes, scopeDescriptions: scopeDescriptions.filter { !$0.value.isEmpty })
        guard try await store.insert(api, at: clock.now()) else { throw Self.apiExists(identifier) }
        await record(.apiCreated, details: ["identifier": .string(identifier), "name": .string(name), "scopes": Self.strings(scopes.tokens)])
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
        if try await store.user(email: email) != nil { throw Self.userExists(email) }
        var user = User(
            id: "user_" + Secret.random(byteCount: 12).unredacted,
            email: email,
            name: name ?? String(parts[0]),
            emailVerified: true,
            passwordHash: try await passwords.hash(password)
        )
        profile.apply(to: &user)
        let now = clock.now()
        user.createdAt = now
        user.updatedAt = now
        guard try await store.insert(user, at: now) else { throw Self.userExists(email) }
        await record(.userCreated, userID: user.id, details: ["email": .string(user.email), "fields": Self.strings(Self.claimNames(of: profile))])
        return user
    }

    /// Promotes the published next key of `algorithm` and publishes a fresh one; returns the new signing kid.
    public func rotateKeys(_ algorithm: SigningAlgorithm) async throws -> String? {
        let kid = try await keyRing.rotate(algorithm, now: clock.now())
        await record(.signingKeysRotated, details: ["alg": .string(algorithm.rawValue), "kid": kid.map(JSONValue.string) ?? .null])
        return kid
    }
}
