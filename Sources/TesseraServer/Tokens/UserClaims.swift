import TesseraCore

/// The standard claims of a user that a scope releases (OpenID Connect Core §5.4):
/// `profile` releases `name`, `email` releases `email` and `email_verified`.
struct UserClaims: Encodable, Sendable {
    var sub: String
    var name: String?
    var email: String?
    var emailVerified: Bool?

    enum CodingKeys: String, CodingKey {
        case sub, name, email
        case emailVerified = "email_verified"
    }

    init(user: User, scope: Scope) {
        self.sub = user.id
        if scope.contains("profile") {
            self.name = user.name
        }
        if scope.contains("email") {
            self.email = user.email
            self.emailVerified = user.emailVerified
        }
    }
}
