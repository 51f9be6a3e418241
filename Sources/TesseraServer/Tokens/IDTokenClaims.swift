import JWTKit

/// The protocol claims of an id_token (OpenID Connect Core §2) as Tessera signs them; the claims
/// about the user are added beside them (see ``IDTokenPayload``).
struct IDTokenClaims: JWTPayload {
    var iss: String
    var sub: String
    var aud: String
    var exp: Int
    var iat: Int
    var authTime: Int?
    /// ``AuthenticationLevel``: how the user logged in.
    var acr: String? = AuthenticationLevel.acr
    var amr: [String]? = AuthenticationLevel.amr
    var nonce: String?
    var atHash: String?
    var sid: String?
    var azp: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat
        case authTime = "auth_time"
        case acr, amr
        case nonce
        case atHash = "at_hash"
        case sid, azp
    }

    /// Signing only: the provider never accepts an id_token back as proof of anything here.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
