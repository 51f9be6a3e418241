import TesseraCore

/// The token endpoint's and the revocation endpoint's events. Their details say what was issued
/// or revoked — grant type, audience, scope, whether DPoP-bound — and never the token itself.
extension RequestAudit {
    /// `tokens.issued`: `response` was sent to `client` under `grant` (Auth0's `seacft`, `seccft`
    /// and `sertft`). The grant's id lets a later `refresh_token.reused` be traced to it.
    func tokensIssued(_ response: TokenResponse, under grant: Grant, grantType: GrantType, client: Client) async {
        var details: [String: JSONValue] = [
            "grant_type": .string(grantType.rawValue),
            "grant_id": .string(grant.id),
            "scope": .string(response.scope?.description ?? ""),
            "dpop_bound": .bool(response.tokenType == "DPoP"),
            "id_token": .bool(response.idToken != nil),
            "refresh_token": .bool(response.refreshToken != nil),
        ]
        if let audience = grant.audience { details["audience"] = .string(audience) }
        await record(.tokensIssued, actor: .client(id: client.id), clientID: client.id, userID: grant.userID, details: details)
    }

    /// `refresh_token.reused`: a rotated-out refresh token came back, so its whole family
    /// (`grant`) was revoked (RFC 9700 §4.14.2).
    func refreshTokenReused(under grant: Grant, client: Client) async {
        var details: [String: JSONValue] = ["grant_id": .string(grant.id), "family_revoked": .bool(true)]
        if let audience = grant.audience { details["audience"] = .string(audience) }
        await record(.refreshTokenReused, actor: .client(id: client.id), clientID: client.id, userID: grant.userID, details: details)
    }

    /// `token.revoked`: `client` revoked one of its tokens at `/oauth/revoke` (RFC 7009);
    /// `kind` is `refresh_token` (its whole grant went) or `access_token`.
    func tokenRevoked(kind: String, of grant: Grant?, client: Client) async {
        var details: [String: JSONValue] = ["token_type": .string(kind)]
        if let grant { details["grant_id"] = .string(grant.id) }
        await record(.tokenRevoked, actor: .client(id: client.id), clientID: client.id, userID: grant?.userID, details: details)
    }
}
