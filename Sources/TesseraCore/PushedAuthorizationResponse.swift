/// The answer of a pushed authorization request endpoint (RFC 9126 §2.2):
///
/// ```json
/// { "request_uri": "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c", "expires_in": 60 }
/// ```
///
/// The `request_uri` stands for the pushed parameters until it is used once or expires, so it is
/// held in a ``Secret``: printed, it shows nothing; encoded, it is the wire value.
public struct PushedAuthorizationResponse: Sendable, Codable, Equatable {
    /// The URN prefix RFC 9126 §2.2 gives the reference (a URN, so it cannot be fetched).
    public static let requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

    public var requestURI: Secret
    /// Seconds until the reference expires.
    public var expiresIn: Int

    public init(requestURI: Secret, expiresIn: Int) {
        self.requestURI = requestURI
        self.expiresIn = expiresIn
    }

    enum CodingKeys: String, CodingKey {
        case requestURI = "request_uri"
        case expiresIn = "expires_in"
    }

    /// The wire form: the reference itself, which a bare ``Secret`` would write as `<redacted>`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestURI.unredacted, forKey: .requestURI)
        try container.encode(expiresIn, forKey: .expiresIn)
    }
}
