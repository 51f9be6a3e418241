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

    public init(response: TokenResponse, idTokenClaims: IDTokenClaims?, receivedAt: Date) {
        self.response = response
        self.idTokenClaims = idTokenClaims
        self.expiresAt = response.expiresIn.map { receivedAt.addingTimeInterval(TimeInterval($0)) }
    }

    enum CodingKeys: String, CodingKey {
        case response
        case idTokenClaims = "id_token_claims"
        case expiresAt = "expires_at"
    }

    public var accessToken: Secret { response.accessToken }
    public var idToken: Secret? { response.idToken }
    public var refreshToken: Secret? { response.refreshToken }

    /// Whether the access token expires within `window` of `now` (or already has): a request
    /// leaving now might arrive with a dead token. Unknown expiry counts as not expiring.
    public func expires(within window: Duration, of now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt <= now.adding(window)
    }

    /// The tokens after a refresh answered `refreshed`: a rotated refresh token replaces the old
    /// one, and the old one is kept when none is returned (RFC 6749 §6); likewise the id_token.
    func merging(refreshed: TokenResponse, claims: IDTokenClaims?, receivedAt: Date) -> TokenSet {
        var response = refreshed
        response.refreshToken = refreshed.refreshToken ?? self.response.refreshToken
        response.idToken = refreshed.idToken ?? self.response.idToken
        return TokenSet(response: response, idTokenClaims: claims ?? idTokenClaims, receivedAt: receivedAt)
    }
}
