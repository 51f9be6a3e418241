public import Foundation
import TesseraCore

extension TokenIntrospector {
    /// The resource server's reading of an RFC 7662 §2.2 introspection response, as one pure
    /// function: what the authorization server said, checked as this API needs it.
    ///
    /// `active: false` is an invalid token, and so is an active *refresh* token (`token_type`),
    /// which opens no API. When this API has an identifier, `aud` must contain it: an
    /// authorization server answers about any token the caller may see, including tokens for
    /// other APIs. `iss`, when present, must be the issuer; `exp`, `nbf` and `iat` are checked
    /// with the clock skew as for a JWT. `sub` is the subject, or `client_id` when the token
    /// names no user (RFC 7662 makes `sub` optional). `cnf.jkt` (RFC 9449 §6.2) says the token is
    /// DPoP-bound; a malformed `cnf` refuses it.
    ///
    /// ```swift
    /// let token = try TokenIntrospector.process(response, issuer: issuer, audience: "https://api.example.com", now: Date())
    /// ```
    /// - Throws: `.accessTokenInactive`, `.invalidAudience`, `.invalidIssuer`, `.expired`, …;
    ///   `.malformedResponse` (whose ``ClientError/isAuthorizationServerUnavailable`` is true)
    ///   when the endpoint refused this API's credentials or answered something that is not an
    ///   introspection response — the caller's token is not at fault then.
    public static func process(_ response: TransportResponse, issuer: String?, audience: String?,
                               clockSkew: Duration = .seconds(30), now: Date) throws(ClientError) -> VerifiedAccessToken {
        guard response.status == 200 else {
            let refusal = (ProviderErrorResponse.error(from: response, operation: "introspection") as? OAuthError).map { " (\($0.code.rawValue))" } ?? ""
            throw ClientError(.malformedResponse, "The introspection endpoint refused this API's request\(refusal): check the API's client credentials.",
                              status: response.status)
        }
        let object = try decodeJSON([String: JSONValue].self, from: response.body, status: response.status, what: "The introspection response")
        guard case .bool(let active)? = object["active"] else {
            throw ClientError(.malformedResponse, "The introspection response has no boolean 'active'.", status: response.status)
        }
        guard active else {
            throw ClientError(.accessTokenInactive, "The authorization server says the token is not active.")
        }
        let claims = TokenClaimSet(claims: object, what: "introspection response")
        if let type = try claims.string("token_type"), type.lowercased() == "refresh_token" {
            throw ClientError(.accessTokenInactive, "The token is a refresh token, which opens no API.", actual: type)
        }
        if let issuer, let stated = try claims.string("iss"), stated != issuer {
            throw ClientError(.invalidIssuer, "The introspected token was issued by someone else.", expected: issuer, actual: stated)
        }
        let tokenAudience = try claims.audience()
        if let audience, !tokenAudience.contains(audience) {
            throw ClientError(.invalidAudience, "The token is not meant for this API.",
                              expected: audience, actual: tokenAudience.isEmpty ? "none" : tokenAudience.joined(separator: " "))
        }
        let expiresAt = try claims.date("exp")
        try AccessTokenValidator.checkTimes(expiresAt: expiresAt, notBefore: try claims.date("nbf"), issuedAt: try claims.date("iat"),
                                            clockSkew: clockSkew, now: now)
        let clientID = try claims.clientID()
        let stated = try claims.string("sub")
        guard let subject = stated ?? clientID, !subject.isEmpty else {
            throw ClientError(.malformedAccessToken, "The introspection response names neither a subject (sub) nor a client (client_id).")
        }
        return VerifiedAccessToken(subject: subject, clientID: clientID, scopes: try claims.scope(), audience: tokenAudience,
                                   expiresAt: expiresAt, claims: object, boundKeyThumbprint: try claims.confirmationThumbprint())
    }

    /// How long an active answer may be reused: never past the token's `exp` (a cached answer
    /// must not keep an expired token alive), nor past `maximumLifetime` (revocation shows within it).
    static func cacheDeadline(expiresAt: Date?, maximumLifetime: Duration, now: Date) -> Date {
        let latest = now.adding(maximumLifetime)
        guard let expiresAt else { return latest }
        return min(expiresAt, latest)
    }
}
