public import Foundation
public import TesseraCore

extension AccessTokenValidator {
    /// The resource server's check of an RFC 9068 JWT access token (§4), as one pure function:
    /// no network, the keys and the time passed in.
    ///
    /// The JWS steps are the id_token's (``IDTokenValidator``), so the rules cannot drift apart:
    /// a readable header whose `typ` is present and is `at+jwt` or `application/at+jwt` (RFC 8725
    /// §3.11 — an id_token or a logout token signed with the same keys is refused here); an `alg`
    /// on the asymmetric allow-list, checked before any key is touched (never `none`, never HMAC,
    /// so a "signature" keyed with the issuer's public RSA key proves nothing); exactly one key of
    /// the JWKS fitting `kid` and `alg`; the signature. Then `iss` exactly, `aud` containing this
    /// API, `exp` (required), `nbf` and `iat` with the clock-skew tolerance, and `sub`; `cnf.jkt`,
    /// when the token is DPoP-bound, is read into ``VerifiedAccessToken/boundKeyThumbprint``.
    ///
    /// ```swift
    /// let keys = try JSONWebKeySet(json: jwksResponse.body)
    /// let token = try await AccessTokenValidator.validate(bearer, keys: keys, expectations: expectations, now: Date())
    /// token.scopes.contains("read:messages")
    /// ```
    public static func validate(_ token: Secret, keys: JSONWebKeySet, expectations: AccessTokenExpectations,
                                now: Date) async throws(ClientError) -> VerifiedAccessToken {
        let (claims, _) = try await IDTokenValidator.verifiedClaims(of: token, kind: .accessToken, keys: keys,
                                                                    allowedAlgorithms: expectations.allowedAlgorithms,
                                                                    as: [String: JSONValue].self)
        return try checkClaims(TokenClaimSet(claims: claims, what: "access token"), expectations: expectations, now: now)
    }

    /// The claim checks of RFC 9068 §4 steps 3–7, after the signature.
    static func checkClaims(_ claims: TokenClaimSet, expectations: AccessTokenExpectations,
                            now: Date) throws(ClientError) -> VerifiedAccessToken {
        let issuer = try claims.string("iss")
        guard issuer == expectations.issuer else {
            throw ClientError(.invalidIssuer, "The access token was issued by someone else.", expected: expectations.issuer, actual: issuer ?? "none")
        }
        let audience = try claims.audience()
        guard audience.contains(expectations.audience) else {
            throw ClientError(.invalidAudience, "The access token is not meant for this API.",
                              expected: expectations.audience, actual: audience.isEmpty ? "none" : audience.joined(separator: " "))
        }
        guard let expiresAt = try claims.date("exp") else {
            throw ClientError(.malformedAccessToken, "The access token has no exp: it would never expire.")
        }
        try checkTimes(expiresAt: expiresAt, notBefore: try claims.date("nbf"), issuedAt: try claims.date("iat"),
                       clockSkew: expectations.clockSkew, now: now)
        guard let subject = try claims.string("sub"), !subject.isEmpty else {
            throw ClientError(.malformedAccessToken, "The access token names no subject (sub).")
        }
        return VerifiedAccessToken(subject: subject, clientID: try claims.clientID(), scopes: try claims.scope(),
                                   audience: audience, expiresAt: expiresAt, claims: claims.claims,
                                   boundKeyThumbprint: try claims.confirmationThumbprint())
    }

    /// `exp` has not passed, `nbf` has, and `iat` is not in the future — each within `clockSkew`.
    /// Shared with introspection answers, which carry the same claims.
    static func checkTimes(expiresAt: Date?, notBefore: Date?, issuedAt: Date?, clockSkew: Duration, now: Date) throws(ClientError) {
        if let expiresAt, now >= expiresAt.adding(clockSkew) {
            throw ClientError(.expired, "The access token has expired.", expected: "exp after \(Int(now.timeIntervalSince1970))",
                              actual: "\(Int(expiresAt.timeIntervalSince1970))")
        }
        if let notBefore, notBefore > now.adding(clockSkew) {
            throw ClientError(.accessTokenNotYetValid, "The access token is not valid yet (nbf).",
                              expected: "nbf before \(Int(now.timeIntervalSince1970))", actual: "\(Int(notBefore.timeIntervalSince1970))")
        }
        if let issuedAt, issuedAt > now.adding(clockSkew) {
            throw ClientError(.issuedInFuture, "The access token was issued in the future.",
                              expected: "iat before \(Int(now.timeIntervalSince1970))", actual: "\(Int(issuedAt.timeIntervalSince1970))")
        }
    }
}

extension SignedTokenKind {
    /// RFC 9068 §2.1: `typ` is `at+jwt`; §4: a token without it, or with another, is refused.
    static let accessToken = SignedTokenKind(name: "access token", types: ["at+jwt", "application/at+jwt"],
                                             malformed: .malformedAccessToken, invalidType: .accessTokenInvalidType,
                                             typeRequired: true)
}
