/// The OpenID Connect standard claims (Core §5.1) and which scope releases which (§5.4): the one
/// place this mapping lives, read by the id_token, userinfo, discovery and `tessera users`.
///
/// ```swift
/// StandardClaims.released(by: "openid phone")   // ["phone_number", "phone_number_verified"]
/// ```
public enum StandardClaims {
    /// Claim names per scope value, as OpenID Connect Core §5.4 lists them.
    public static let byScope: [(scope: String, claims: [String])] = [
        ("profile", ["name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
                     "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"]),
        ("email", ["email", "email_verified"]),
        ("address", ["address"]),
        ("phone", ["phone_number", "phone_number_verified"]),
    ]

    /// The scope values that release claims.
    public static var scopes: [String] { byScope.map(\.scope) }

    /// Every standard claim about the user, `sub` first, in §5.1's order of scopes.
    public static let all: [String] = ["sub"] + byScope.flatMap(\.claims)

    /// The claims that `scope` releases (§5.4); `sub` is always released and not listed.
    public static func released(by scope: Scope) -> Set<String> {
        Set(byScope.filter { scope.contains($0.scope) }.flatMap(\.claims))
    }

    /// The boolean claims.
    public static let booleans: Set<String> = ["email_verified", "phone_number_verified"]

    /// The members of the `address` claim (§5.1.1).
    public static let addressMembers: [String] = ["formatted", "street_address", "locality", "region", "postal_code", "country"]
}
