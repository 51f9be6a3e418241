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
    /// RFC 9449 §6.1: the key a DPoP-bound token is bound to, so a resource server that validates
    /// the JWT itself can ask for a proof signed by that key. Absent for a Bearer token.
    var cnf: Confirmation? = nil

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, jti
        case clientID = "client_id"
        case scope
        case authTime = "auth_time"
        case cnf
    }

    /// The `cnf` claim (RFC 7800 §3.1) with RFC 9449's one confirmation method: `jkt`, the RFC 7638
    /// thumbprint of the client's DPoP public key.
    struct Confirmation: Codable, Equatable {
        var jkt: String
    }

    /// Resource endpoints look tokens up in the database, which knows about revocation; the
    /// signature is all that is checked here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
