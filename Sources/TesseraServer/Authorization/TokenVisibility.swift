import TesseraCore

/// Which client may learn about a token at introspection (RFC 7662 §2.1 leaves the policy to the
/// server; RFC 7662 §4 asks that it not be "anyone with credentials").
///
/// A refresh token concerns only the client it was issued to. An access token is also the
/// business of the API it is for: a client with a ``ClientGrant`` for that API (a resource server
/// checking its bearer tokens) may look at it. Anyone else learns only `{"active": false}`.
enum TokenVisibility {
    static func mayIntrospectRefreshToken(of grant: Grant, caller: Client) -> Bool {
        grant.clientID == caller.id
    }

    /// - Parameter callerGrant: the caller's client grant for the token's audience, if any.
    static func mayIntrospectAccessToken(_ token: AccessTokenRecord, caller: Client, callerGrant: ClientGrant?) -> Bool {
        if token.grant.clientID == caller.id { return true }
        guard let audience = token.audience, let callerGrant else { return false }
        return callerGrant.clientID == caller.id && callerGrant.apiIdentifier == audience
    }
}
