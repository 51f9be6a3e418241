/// What an id_token's payload holds: its protocol claims (``IDTokenClaims``) and, in the same
/// JSON object, the claims about the user it releases (``UserClaims``).
///
/// Two parts encoded into one object, so the protocol claims keep their synthesized coding and
/// the user's claims — named by data, not code — need no key of their own there.
struct IDTokenPayload: Encodable, Sendable {
    let claims: IDTokenClaims
    let user: UserClaims

    func encode(to encoder: any Encoder) throws {
        try claims.encode(to: encoder)
        try user.encodeReleased(to: encoder)
    }
}
