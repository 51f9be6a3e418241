import JWTKit

/// A JWT access token's claims (RFC 9068 §2.2), issued when the client names an API `audience`,
/// signed with `typ: at+jwt` so it can never be mistaken for an id_token.
struct AccessTokenClaims: JWTPayload {
    var iss: String
    /// The user, or the client itself for client_credentials.
    var sub: String
    /// The API, plus the userinfo endpoint when `openid` was granted (as Auth0 does).
    var aud: [String]
    var exp: Int
    var iat: Int
    /// The row this token is recorded under, so it can be revoked and introspected.
    var jti: String
    var clientID: String
    var scope: String?
    var authTime: Int?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, jti
        case clientID = "client_id"
        case scope
        case authTime = "auth_time"
    }

    /// Resource endpoints look tokens up in the database, which knows about revocation; the
    /// signature is all that is checked here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
