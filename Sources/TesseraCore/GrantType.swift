/// A `grant_type` value. Open-ended, so an unknown one can be named in `unsupported_grant_type`.
public struct GrantType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let authorizationCode = GrantType("authorization_code")
    public static let refreshToken = GrantType("refresh_token")
    public static let clientCredentials = GrantType("client_credentials")
}
