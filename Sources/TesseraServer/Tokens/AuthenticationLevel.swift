/// How a user of Tessera authenticates, as ID tokens state it in `acr` and `amr`
/// (OpenID Connect Core §2).
///
/// Tessera has one way to log in — a password, a single factor — so one level. Its `acr` is
/// `"1"`: the level ISO/IEC 29115 calls LoA 1, little confidence in the claimed identity, which is
/// what a password alone gives; Keycloak uses the same value for a password login. Every ID token
/// carries it and `amr: ["pwd"]` (RFC 8176 §2), also those from a refresh: the authentication
/// they attest is the same login. `acr_values` is a voluntary request (OpenID Connect Core
/// §3.1.2.1), so a request for another value is answered honestly with this one, never refused.
enum AuthenticationLevel {
    /// The `acr` of every ID token, and the only value in `acr_values_supported`.
    static let acr = "1"
    /// The `amr` of every ID token: password (RFC 8176 §2).
    static let amr = ["pwd"]
}
