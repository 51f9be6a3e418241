public import Foundation
public import TesseraCore

/// The logout token checks of OpenID Connect Back-Channel Logout 1.0 §2.6, as one pure function:
/// no network, the time passed in. The replay check (`jti` seen before) needs memory and is
/// ``OIDCClient/validateLogoutToken(_:)``'s.
///
/// The JWS steps are the id_token's (``IDTokenValidator``): readable header, `typ` — here
/// `logout+jwt` when present —, an allowed asymmetric `alg`, exactly one fitting key, and the
/// signature. Then `iss`, `aud`, `iat` within `maxAge` (and not in the future), `exp` when present,
/// the back-channel logout event, `sub` or `sid`, and no `nonce`, so an id_token can never be
/// replayed as a logout token.
///
/// ```swift
/// let claims = try await LogoutTokenValidator.validate(token, keys: keys, expectations: expectations, now: Date())
/// ```
public enum LogoutTokenValidator {
    /// How old a logout token may be: it is sent as the session ends, so minutes are plenty.
    public static let defaultMaxAge: Duration = .seconds(300)

    public static func validate(_ token: Secret, keys: JSONWebKeySet, expectations: IDTokenExpectations,
                                maxAge: Duration = defaultMaxAge, now: Date) async throws(ClientError) -> LogoutTokenClaims {
        let (claims, _) = try await IDTokenValidator.verifiedClaims(of: token, kind: .logoutToken, keys: keys,
                                                                    allowedAlgorithms: expectations.allowedAlgorithms,
                                                                    as: LogoutTokenClaims.self)
        try checkClaims(claims, expectations: expectations, maxAge: maxAge, now: now)
        return claims
    }

    static func checkClaims(_ claims: LogoutTokenClaims, expectations: IDTokenExpectations, maxAge: Duration,
                            now: Date) throws(ClientError) {
        try IDTokenValidator.checkIssuerAndAudience(issuer: claims.issuer, audience: claims.audience, expectations: expectations,
                                                    kind: .logoutToken)
        guard claims.issuedAt <= now.adding(expectations.clockSkew) else {
            throw ClientError(.issuedInFuture, "The logout token was issued in the future.",
                              expected: "iat before \(Int(now.timeIntervalSince1970))", actual: "\(Int(claims.issuedAt.timeIntervalSince1970))")
        }
        guard now <= claims.issuedAt.adding(maxAge).adding(expectations.clockSkew) else {
            throw ClientError(.logoutTokenTooOld, "The logout token was issued too long ago.",
                              expected: "iat within \(maxAge)", actual: "\(Int(claims.issuedAt.timeIntervalSince1970))")
        }
        if let expiresAt = claims.expiresAt, now >= expiresAt.adding(expectations.clockSkew) {
            throw ClientError(.expired, "The logout token has expired.", actual: "\(Int(expiresAt.timeIntervalSince1970))")
        }
        guard claims.hasLogoutEvent else {
            throw ClientError(.logoutTokenEventMissing, "The logout token's events lack the back-channel logout event.",
                              expected: LogoutTokenClaims.event)
        }
        guard claims.subject != nil || claims.sessionID != nil else {
            throw ClientError(.logoutTokenSubjectMissing, "The logout token names neither a user (sub) nor a session (sid).")
        }
        guard !claims.hasNonce else {
            throw ClientError(.logoutTokenNonceForbidden, "The logout token carries a nonce: it is an id_token, not a logout token.")
        }
    }
}

extension SignedTokenKind {
    static let logoutToken = SignedTokenKind(name: "logout token", types: ["logout+jwt", "application/logout+jwt"],
                                             malformed: .malformedLogoutToken, invalidType: .logoutTokenInvalidType)
}
