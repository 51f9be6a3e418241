public import TesseraCore

/// The rows a successful token request writes, all in the transaction that consumed the code or
/// the refresh token: an access token and, when granted, a refresh token. Only hashes are kept.
public struct IssuedTokens: Sendable {
    public struct AccessToken: Sendable {
        public var hash: SecretHash
        public var scope: String
        public var audience: String?
        public var expiresAt: Int
        /// The RFC 7638 thumbprint of the key the token is bound to (RFC 9449 §6); nil for Bearer.
        public var dpopThumbprint: String?
    }

    public struct RefreshToken: Sendable {
        public var hash: SecretHash
        public var scope: String
        public var expiresAt: Int
        /// The token this one replaced, for the grace window's "immediately previous" check.
        public var parentHash: SecretHash?
        /// The thumbprint of the key a public client's refresh token is bound to (RFC 9449 §5).
        public var dpopThumbprint: String?
    }

    public var accessToken: AccessToken
    public var refreshToken: RefreshToken?
}
