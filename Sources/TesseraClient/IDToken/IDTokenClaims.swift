public import Foundation

/// The claims of an id_token that passed every check (OpenID Connect Core §2, §5.1): who logged
/// in (`sub`), for whom (`aud`), when, and the profile claims Tessera and Auth0 include.
///
/// `Codable` in the JWT's own shape (`aud` a string or an array, times in Unix seconds), so it can
/// be stored in a session beside the tokens.
///
/// ```swift
/// let tokens = try await client.exchangeCode(callback, pending: pending)
/// let user = tokens.idTokenClaims?.sub
/// ```
public struct IDTokenClaims: Sendable, Equatable {
    public var issuer: String
    public var subject: String
    public var audience: [String]
    public var expiresAt: Date
    public var issuedAt: Date
    public var authTime: Date?
    public var nonce: String?
    /// `azp`: the client the token was issued to, when there are several audiences.
    public var authorizedParty: String?
    public var accessTokenHash: String?
    /// `sid`: the provider's session, for logout.
    public var sessionID: String?
    public var name: String?
    public var email: String?
    public var emailVerified: Bool?

    public init(issuer: String, subject: String, audience: [String], expiresAt: Date, issuedAt: Date,
                authTime: Date? = nil, nonce: String? = nil, authorizedParty: String? = nil,
                accessTokenHash: String? = nil, sessionID: String? = nil,
                name: String? = nil, email: String? = nil, emailVerified: Bool? = nil) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.authTime = authTime
        self.nonce = nonce
        self.authorizedParty = authorizedParty
        self.accessTokenHash = accessTokenHash
        self.sessionID = sessionID
        self.name = name
        self.email = email
        self.emailVerified = emailVerified
    }
}

extension KeyedDecodingContainer {
    /// A JWT's `aud`: one string or an array of them (RFC 7519 §4.1.3), always as an array.
    func decodeAudience(forKey key: Key) throws -> [String] {
        if let single = try? decode(String.self, forKey: key) { return [single] }
        return try decode([String].self, forKey: key)
    }
}

extension IDTokenClaims: Codable {
    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", expiresAt = "exp", issuedAt = "iat"
        case authTime = "auth_time", nonce, authorizedParty = "azp", accessTokenHash = "at_hash"
        case sessionID = "sid", name, email, emailVerified = "email_verified"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let audience = try container.decodeAudience(forKey: .audience)
        func date(_ key: CodingKeys) throws -> Date? {
            try container.decodeIfPresent(Double.self, forKey: key).map(Date.init(timeIntervalSince1970:))
        }
        guard let expiresAt = try date(.expiresAt) else {
            throw DecodingError.keyNotFound(CodingKeys.expiresAt, .init(codingPath: [], debugDescription: "exp is required"))
        }
        guard let issuedAt = try date(.issuedAt) else {
            throw DecodingError.keyNotFound(CodingKeys.issuedAt, .init(codingPath: [], debugDescription: "iat is required"))
        }
        self.init(
            issuer: try container.decode(String.self, forKey: .issuer),
            subject: try container.decode(String.self, forKey: .subject),
            audience: audience, expiresAt: expiresAt, issuedAt: issuedAt,
            authTime: try date(.authTime),
            nonce: try container.decodeIfPresent(String.self, forKey: .nonce),
            authorizedParty: try container.decodeIfPresent(String.self, forKey: .authorizedParty),
            accessTokenHash: try container.decodeIfPresent(String.self, forKey: .accessTokenHash),
            sessionID: try container.decodeIfPresent(String.self, forKey: .sessionID),
            name: try container.decodeIfPresent(String.self, forKey: .name),
            email: try container.decodeIfPresent(String.self, forKey: .email),
            emailVerified: try container.decodeIfPresent(Bool.self, forKey: .emailVerified))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(subject, forKey: .subject)
        if audience.count == 1 {
            try container.encode(audience[0], forKey: .audience)
        } else {
            try container.encode(audience, forKey: .audience)
        }
        try container.encode(Int(expiresAt.timeIntervalSince1970), forKey: .expiresAt)
        try container.encode(Int(issuedAt.timeIntervalSince1970), forKey: .issuedAt)
        try container.encodeIfPresent(authTime.map { Int($0.timeIntervalSince1970) }, forKey: .authTime)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encodeIfPresent(authorizedParty, forKey: .authorizedParty)
        try container.encodeIfPresent(accessTokenHash, forKey: .accessTokenHash)
        try container.encodeIfPresent(sessionID, forKey: .sessionID)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(emailVerified, forKey: .emailVerified)
    }
}
