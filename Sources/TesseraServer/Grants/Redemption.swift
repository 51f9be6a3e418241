import TesseraCore

/// What a grant's transaction decided: tokens minted under a grant, or a refusal that must be
/// committed (a burnt code, a revoked family) and is thrown only once it is.
enum Redemption: Sendable {
    case issued(TokenIssuer.Minted, GrantWithUser)
    /// `revoking`: a grant to revoke before the refusal is thrown (a code used twice); `reused`:
    /// the grant whose family a reused refresh token revoked, for the audit log.
    case refused(OAuthError, revoking: String? = nil, reused: Grant? = nil)

    func get() throws(OAuthError) -> (TokenIssuer.Minted, GrantWithUser) {
        switch self {
        case .issued(let minted, let grant): return (minted, grant)
        case .refused(let error, _, _): throw error
        }
    }
}
