public import TesseraCore

/// The user operations behind `tessera users list|show|update|remove` and the management API's
/// `/api/v2/users`. Every check runs before anything is written.
extension Administration {
    /// The shortest password `users add` and a password change accept.
    public static let minimumPasswordLength = 8

    /// Users oldest first, a page at a time; with `email`, only the user with that
    /// address (compared as stored: trimmed and lowercased).
    public func users(_ request: PageRequest, email: String? = nil) async throws -> ResultPage<User> {
        try await store.users(request, email: email)
    }

    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such user.
    public func user(id: String) async throws -> User {
        guard let user = try await store.user(id: id) else { throw RegistrationError.notFound("there is no user with the id \(id)") }
        return user
    }

    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such user.
    public func user(email: String) async throws -> User {
        guard let user = try await store.user(email: email) else {
            throw RegistrationError.notFound("there is no user with the email \(User.normalizedEmail(email))")
        }
        return user
    }

    /// Changes the standard claims (and, with `password`, the password) of the user `id`, in one
    /// transaction; `updated_at` becomes now. Sessions and tokens the user already has stay valid.
    /// - Throws: ``RegistrationError`` when there is nothing to change, the password is too short
    ///   (nothing is written then), or there is no such user (``RegistrationError/notFound(_:)``).
    public func updateUser(id: String, profile: ProfileChange, password: Secret? = nil) async throws -> User {
        guard !profile.isEmpty || password != nil else {
            throw RegistrationError.invalid("nothing to change: give a claim to set or unset, or a password")
        }
        if let password { try Self.checkPassword(password) }
        let passwordHash = try await password.asyncFlatMap { try await passwords.hash($0) }
        guard let (_, after) = try await store.updateUser(id: id, passwordHash: passwordHash, at: clock.now(), { user in
            var user = user
            profile.apply(to: &user)
            return user
        }) else {
            throw RegistrationError.notFound("there is no user with the id \(id)")
        }
        let fields = Self.claimNames(of: profile) + (password == nil ? [] : ["password"])
        await record(.userUpdated, userID: id, details: ["fields": Self.strings(fields)])
        return after
    }

    /// Changes the standard claims of the user with `email` (`tessera users update`); see
    /// ``updateUser(id:profile:password:)``.
    public func updateUser(email: String, profile: ProfileChange) async throws -> User {
        guard !profile.isEmpty else {
            throw RegistrationError.invalid("nothing to change: give --name, --claim, --address-json or --unset-claim")
        }
        return try await updateUser(id: try await user(email: email).id, profile: profile)
    }

    /// Removes a user: their login sessions end (each client with a back-channel logout URI that
    /// holds their tokens is sent a logout token), their grants with every refresh and access token
    /// are revoked and deleted, their consents go — one transaction.
    /// - Throws: ``RegistrationError/notFound(_:)`` when there is no such user.
    public func removeUser(id: String) async throws {
        guard let user = try await store.deleteUser(id: id, at: clock.now()) else {
            throw RegistrationError.notFound("there is no user with the id \(id)")
        }
        await record(.userDeleted, userID: id, details: ["email": .string(user.email)])
    }

    /// A password must be at least ``minimumPasswordLength`` characters.
    static func userExists(_ email: String) -> RegistrationError {
        .duplicate("a user with the email \(email) already exists")
    }

    static func checkPassword(_ password: Secret) throws(RegistrationError) {
        guard password.unredacted.count >= minimumPasswordLength else {
            throw .invalid("the password must be at least \(minimumPasswordLength) characters")
        }
    }
}
