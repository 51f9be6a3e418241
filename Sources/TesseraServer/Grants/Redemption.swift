import TesseraCore

/// What a grant's transaction decided: tokens minted under a grant, or a refusal that must be
/// committed (a burnt code, a revoked family) and is thrown only once it is.
enum Redemption: Sendable {
    case issued(TokenIssuer.Minted, GrantWithUser)
    /// `revoking`: a grant to revoke before the refusal is thrown (a code used twice).
    case refused(OAuthError, revoking: String? = nil)

    func get() throws(OAuthError) -> (TokenIssuer.Minted, GrantWithUser) {
        switch self {
        case .issued(let minted, let grant): return (minted, grant)
        case .refused(let error, _): throw error
        }
    }
}
