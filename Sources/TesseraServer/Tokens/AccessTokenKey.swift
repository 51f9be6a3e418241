import TesseraCore

/// The key an access token is recorded under.
///
/// An opaque token is stored as the SHA-256 of itself. A JWT access token is signed only after the
/// transaction that records it, so it is stored as the SHA-256 of its `jti`, which is chosen first;
/// presented again, its signature is checked before its `jti` is trusted.
enum AccessTokenKey {
    static func forOpaque(_ token: Secret) -> SecretHash {
        SecretHash(of: token)
    }

    static func forJWT(id jti: String) -> SecretHash {
        SecretHash(of: Secret(jti))
    }

    /// The key of a presented token; `nil` for a JWT that this provider did not sign.
    static func of(_ presented: Secret, keyRing: KeyRing) async -> SecretHash? {
        guard presented.unredacted.contains(".") else { return forOpaque(presented) }
        guard let claims = try? await keyRing.verify(presented.unredacted, as: AccessTokenClaims.self) else { return nil }
        return forJWT(id: claims.jti)
    }
}
