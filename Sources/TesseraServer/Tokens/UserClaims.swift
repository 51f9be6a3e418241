import TesseraCore

/// The claims about a user that a token releases: those of its scopes (OpenID Connect Core §5.4)
/// and those the client asked for by name with the `claims` parameter (§5.5), of the ones the
/// user has. The id_token and the userinfo endpoint both release through here.
struct UserClaims: Encodable, Sendable {
    var sub: String
    /// Every released claim but `sub`.
    var released: [String: JSONValue]

    /// - Parameter requested: the names the `claims` parameter asked for at this destination
    ///   (its `id_token` or `userinfo` member); names that are no user claim are ignored.
    init(user: User, scope: Scope, requested: some Sequence<String> = [String]()) {
        let names = StandardClaims.released(by: scope).union(requested)
        self.sub = user.id
        self.released = user.standardClaims.filter { names.contains($0.key) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONMemberKey.self)
        try container.encode(sub, forKey: JSONMemberKey("sub"))
        try encodeReleased(to: encoder)
    }

    /// The released claims without `sub`, into the object `encoder` is writing (the id_token's).
    func encodeReleased(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONMemberKey.self)
        for (name, value) in released.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: JSONMemberKey(name))
        }
    }
}

extension User {
    /// Every standard claim the user has but `sub`: the columns and ``claims``, an empty name
    /// counting as none.
    var standardClaims: [String: JSONValue] {
        var all = claims
        if !name.isEmpty { all["name"] = .string(name) }
        all["email"] = .string(email)
        all["email_verified"] = .bool(emailVerified)
        if let updatedAt { all["updated_at"] = .number(Double(updatedAt)) }
        return all
    }
}
