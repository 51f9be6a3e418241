public import Foundation

/// The claims of a logout token that passed every check (OpenID Connect Back-Channel Logout 1.0
/// §2.4): which provider session ended (`sid`), for which user (`sub`).
///
/// ```swift
/// let logout = try await client.validateLogoutToken(Secret(form["logout_token"]))
/// if let sid = logout.sessionID { endSessions(providerSID: sid) } else { endSessions(subject: logout.subject!) }
/// ```
public struct LogoutTokenClaims: Sendable, Equatable {
    /// The event member of `events` that makes a JWT a logout token.
    public static let event = "http://schemas.openid.net/event/backchannel-logout"

    public var issuer: String
    public var audience: [String]
    public var issuedAt: Date
    public var expiresAt: Date?
    public var tokenID: String
    /// `sub`: the user, when the provider names one.
    public var subject: String?
    /// `sid`: the provider session that ended, when the provider names one.
    public var sessionID: String?
    /// Whether `events` holds the back-channel logout event as a JSON object.
    var hasLogoutEvent: Bool
    /// Whether a `nonce` claim is present, whatever its value: a logout token must have none.
    var hasNonce: Bool
}

extension LogoutTokenClaims: Codable {
    enum CodingKeys: String, CodingKey {
        case issuer = "iss", audience = "aud", issuedAt = "iat", expiresAt = "exp", tokenID = "jti"
        case subject = "sub", sessionID = "sid", events, nonce
    }

    /// Any member name of a JSON object.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes only when the value is a JSON object (its members are not read).
    private struct JSONObject: Codable {
        init() {}
        init(from decoder: any Decoder) throws {
            _ = try decoder.container(keyedBy: AnyKey.self)
        }
        func encode(to encoder: any Encoder) throws {
            _ = encoder.container(keyedBy: AnyKey.self)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let audience = try container.decodeAudience(forKey: .audience)
        let events = try container.decode([String: JSONObject].self, forKey: .events)
        self.init(
            issuer: try container.decode(String.self, forKey: .issuer),
            audience: audience,
            issuedAt: Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .issuedAt)),
            expiresAt: try container.decodeIfPresent(Double.self, forKey: .expiresAt).map(Date.init(timeIntervalSince1970:)),
            tokenID: try container.decode(String.self, forKey: .tokenID),
            subject: try container.decodeIfPresent(String.self, forKey: .subject),
            sessionID: try container.decodeIfPresent(String.self, forKey: .sessionID),
            hasLogoutEvent: events[Self.event] != nil,
            hasNonce: container.contains(.nonce))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(audience, forKey: .audience)
        try container.encode(Int(issuedAt.timeIntervalSince1970), forKey: .issuedAt)
        try container.encodeIfPresent(expiresAt.map { Int($0.timeIntervalSince1970) }, forKey: .expiresAt)
        try container.encode(tokenID, forKey: .tokenID)
        try container.encodeIfPresent(subject, forKey: .subject)
        try container.encodeIfPresent(sessionID, forKey: .sessionID)
        if hasLogoutEvent { try container.encode([Self.event: JSONObject()], forKey: .events) }
    }
}
