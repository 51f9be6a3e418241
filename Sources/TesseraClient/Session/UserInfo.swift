public import Foundation

/// The userinfo response (OpenID Connect Core §5.3.2): the standard claims typed, the whole JSON
/// object kept so an app can decode its own.
///
/// ```swift
/// let info = try await client.userInfo(for: tokens)
/// struct Extra: Decodable { let picture: String? }
/// let extra = try info.decode(Extra.self)
/// ```
public struct UserInfo: Sendable, Equatable, Codable {
    public var subject: String
    public var name: String?
    public var email: String?
    public var emailVerified: Bool?
    /// The response body as received.
    public var json: Data

    /// The claims of a userinfo response body.
    /// - Throws: `.malformedResponse` unless it is a JSON object with a string `sub`.
    public init(json: Data, status: Int = 200) throws(ClientError) {
        let claims = try decodeJSON(StandardClaims.self, from: Array(json), status: status, what: "The userinfo response")
        self.subject = claims.sub
        self.name = claims.name
        self.email = claims.email
        self.emailVerified = claims.email_verified
        self.json = json
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(json: Data(try container.decode(String.self).utf8))
    }

    /// Encodes as the JSON text received, so it round-trips through a session store.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(decoding: json, as: UTF8.self))
    }

    /// The response decoded as the app's own type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: json)
    }

    private struct StandardClaims: Decodable {
        let sub: String
        let name: String?
        let email: String?
        let email_verified: Bool?
    }
}
