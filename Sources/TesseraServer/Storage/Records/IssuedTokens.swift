public import TesseraCore

/// The rows a successful token request writes, all in the transaction that consumed the code or
/// the refresh token: an access token and, when granted, a refresh token. Only hashes are kept.
public struct IssuedTokens: Sendable {
    public struct AccessToken: Sendable {
        public var hash: SecretHash
        public var scope: String
        public var audience: String?
        public var expiresAt: Int
    }

    public struct RefreshToken: Sendable {
        public var hash: SecretHash
        public var scope: String
        public var expiresAt: Int
        /// The token this one replaced, for the grace window's "immediately previous" check.
        public var parentHash: SecretHash?
    }

    public var accessToken: AccessToken
    public var refreshToken: RefreshToken?
}
