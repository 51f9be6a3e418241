import Foundation
public import TesseraCore

/// A person who logs in.
public struct User: Sendable, Equatable {
    /// The stable `sub` claim.
    public var id: String
    /// Stored lowercased, so logins are case-insensitive on the address.
    public var email: String
    public var name: String
    public var emailVerified: Bool
    /// bcrypt, never anything reversible.
    public var passwordHash: String
    /// The other standard claims the user has (OpenID Connect Core §5.1), by name: every one but
    /// `sub`, `name`, `email`, `email_verified` and `updated_at`, which have columns of their own.
    public var claims: [String: JSONValue]
    /// When the user last changed (the `updated_at` claim); set by the store.
    public var updatedAt: Int?
    /// When the user was added (Auth0's `created_at`, for administrators); set by the store.
    public var createdAt: Int?

    public init(id: String, email: String, name: String, emailVerified: Bool, passwordHash: String,
                claims: [String: JSONValue] = [:], updatedAt: Int? = nil, createdAt: Int? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.emailVerified = emailVerified
        self.passwordHash = passwordHash
        self.claims = claims
        self.updatedAt = updatedAt
        self.createdAt = createdAt
    }
}

extension User {
    /// An email as users are stored and looked up: trimmed and lowercased. The login lookup, the
    /// login throttle's account key and `users add` all use this one form, so no spelling of an
    /// address reaches the account under a throttle key of its own.
    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
