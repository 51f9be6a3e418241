import TesseraCore

/// Checks an email and password under every defence a login needs, in the order that makes them
/// hold under a flood: at most one check per account in flight in this process, the attempt
/// counted by the throttle before the password is looked at, bcrypt within the process's bound,
/// and the same work and answer for an unknown email as for a wrong password.
struct PasswordLogin: Sendable {
    let users: any UserStore
    let passwords: PasswordHasher
    let throttle: LoginThrottle
    let inFlight: AccountsInFlight

    enum Outcome: Sendable {
        case authenticated(User)
        /// Wrong email or password (which one is not said to the browser). `userID`: the account
        /// the email names, when there is one, for the audit log only.
        case refused(userID: String?)
        /// Not checked: try again after this many seconds.
        case retryAfter(Int)
    }

    /// - Parameters:
    ///   - email: as ``User/normalizedEmail(_:)`` made it, so the throttle counts what the lookup finds.
    ///   - address: the client, as ``ClientAddressResolver`` found it.
    func attempt(email: String, password: Secret, address: IPAddress?, now: Int) async throws -> Outcome {
        let keys = LoginThrottle.Keys(email: email, address: address)
        guard inFlight.enter(keys.account) else { return .retryAfter(1) }
        defer { inFlight.leave(keys.account) }
        if let wait = try await throttle.admit(keys, now: now) {
            return .retryAfter(wait)
        }
        let user = email.isEmpty ? nil : try await users.user(email: email)
        let matches: Bool
        do {
            // The same bcrypt work whether the email is unknown or the password wrong.
            matches = try await passwords.verify(password, against: user?.passwordHash)
        } catch is PasswordHasher.Busy {
            try await throttle.refund(keys, now: now)
            return .retryAfter(1)
        }
        guard matches, let user else { return .refused(userID: user?.id) }
        try await throttle.succeeded(keys, now: now)
        return .authenticated(user)
    }
}
