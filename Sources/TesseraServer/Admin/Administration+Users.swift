import TesseraCore

extension Administration {
    /// Changes the standard claims of the user with `email` (`tessera users update`); `updated_at`
    /// becomes now.
    /// - Throws: ``RegistrationError`` when there is no such user or nothing to change.
    public func updateUser(email: String, profile: ProfileChange) async throws -> User {
        guard !profile.isEmpty else {
            throw RegistrationError.invalid("nothing to change: give --name, --claim, --address-json or --unset-claim")
        }
        guard var user = try await store.user(email: email) else {
            throw RegistrationError.invalid("no user with the email \(User.normalizedEmail(email))")
        }
        profile.apply(to: &user)
        let now = clock.now()
        guard try await store.updateProfile(of: user, at: now) else {
            throw RegistrationError.invalid("no user with the email \(user.email)")
        }
        user.updatedAt = now
        return user
    }
}
