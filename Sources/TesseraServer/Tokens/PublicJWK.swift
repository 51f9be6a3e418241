/// A public key as published in the JWKS (RFC 7517), with `use` and `alg` on every key so that
/// clients never guess what a key is for.
struct PublicJWK: Codable, Sendable, Equatable {
    var kty: String
    var kid: String
    var use: String = "sig"
    var alg: String
    /// RSA modulus and exponent.
    var n: String?
    var e: String?
    /// EC / OKP curve and coordinates.
    var crv: String?
    var x: String?
    var y: String?
}
