public import Foundation
public import TesseraCore

/// The tokens of one login as the app keeps them in its server-side session: the token response
/// exactly as the seed's JSON, the id_token's validated claims, and when the access token expires.
///
/// Every token stays a ``Secret``, so printing a `TokenSet` shows none. Its `Codable` form is the
/// session-storage form and holds the real tokens (as ``TokenResponse``'s wire form does): store it
/// server-side only.
///
/// ```swift
/// var tokens = try await client.exchangeCode(callback, pending: pending)
/// tokens = try await client.validTokens(tokens)     // refreshes within the refresh-ahead window
/// request.headers[.authorization] = "Bearer \(tokens.accessToken.unredacted)"
/// ```
public struct TokenSet: Sendable, Equatable, Codable {
    /// The token response as received (after a refresh: merged, see ``OIDCClient/refresh(_:scope:)``).
    public var response: TokenResponse
    /// The claims of ``idToken``, validated; `nil` when no id_token was issued.
    public var idTokenClaims: IDTokenClaims?
    /// When the access token expires, from `expires_in`; `nil` when the provider did not say.
    public var expiresAt: Date?
    /// The RFC 7638 thumbprint of the DPoP key the tokens are bound to (the `cnf.jkt` the
    /// provider put in them), when ``isDPoPBound``: so a client holding another key says so
    /// instead of sending proofs the server must refuse.
    public var dpopKeyThumbprint: String?

    /// - Parameter dpopKeyThumbprint: the thumbprint of the key the token request's proof was
    ///   signed with; kept only when the provider answered `token_type: DPoP`.
    public init(response: TokenResponse, idTokenClaims: IDTokenClaims?, receivedAt: Date, dpopKeyThumbprint: String? = nil) {
        self.response = response
        self.idTokenClaims = idTokenClaims
        self.expiresAt = response.expiresIn.map { receivedAt.addingTimeInterval(TimeInterval($0)) }
        self.dpopKeyThumbprint = Self.isDPoP(response.tokenType) ? dpopKeyThumbprint : nil
    }

    enum CodingKeys: String, CodingKey {
        case response
        case idTokenClaims = "id_token_claims"
        case expiresAt = "expires_at"
        case dpopKeyThumbprint = "dpop_jkt"
    }

    public var accessToken: Secret { response.accessToken }
    public var idToken: Secret? { response.idToken }
    public var refreshToken: Secret? { response.refreshToken }
    /// The provider's `token_type`: `Bearer`, or `DPoP` for tokens bound to the client's key.
    public var tokenType: String { response.tokenType }
    /// Whether the access token is DPoP-bound (RFC 9449 §5: `token_type` `DPoP`, compared
    /// case-insensitively): it is then presented as `Authorization: DPoP` with a proof of the key,
    /// and refreshed with a proof of the same key.
    public var isDPoPBound: Bool { Self.isDPoP(response.tokenType) }

    static func isDPoP(_ tokenType: String) -> Bool { tokenType.caseInsensitiveCompare("DPoP") == .orderedSame }

    /// Whether the access token expires within `window` of `now` (or already has): a request
    /// leaving now might arrive with a dead token. Unknown expiry counts as not expiring.
    public func expires(within window: Duration, of now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now.adding(window)
    }

    /// The tokens after a refresh answered `refreshed`: a rotated refresh token replaces the old
    /// one, and the old one is kept when none is returned (RFC 6749 §6); likewise the id_token.
    /// A DPoP binding follows the key the refresh proved (`dpopKeyThumbprint`).
    func merging(refreshed: TokenResponse, claims: IDTokenClaims?, receivedAt: Date, dpopKeyThumbprint: String?) -> TokenSet {
        var response = refreshed
        response.refreshToken = refreshed.refreshToken ?? self.response.refreshToken
        response.idToken = refreshed.idToken ?? self.response.idToken
        return TokenSet(response: response, idTokenClaims: claims ?? idTokenClaims, receivedAt: receivedAt,
                        dpopKeyThumbprint: dpopKeyThumbprint)
    }
}
