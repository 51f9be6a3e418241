public import Foundation

/// An OAuth 2.0 error as it travels on the wire (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1).
///
/// The provider throws these and renders them as JSON or as a redirect; the relying party decodes
/// them from a token or callback response. Only wire-safe text lives here: never a secret, never
/// an internal detail.
///
/// ```swift
/// do {
///     let tokens = try await client.exchangeCode(callback)
/// } catch let error as OAuthError where error.code == .invalidGrant {
///     // The code expired or was already used: send the user to log in again.
/// }
/// ```
public struct OAuthError: Error, Sendable, Equatable {
    /// The `error` code. Open-ended, because providers send codes beyond the RFC's (`mfa_required`).
    public var code: Code
    /// `error_description`: a sentence for the developer reading the response.
    public var description: String?
    /// `error_uri`: a page documenting the error.
    public var uri: String?
    /// The HTTP status the error is (or was) sent with.
    public var status: Int

    public init(_ code: Code, _ description: String? = nil, uri: String? = nil, status: Int? = nil) {
        self.code = code
        self.description = description
        self.uri = uri
        self.status = status ?? code.defaultStatus
    }

    /// The `error` values of RFC 6749, RFC 6750, RFC 7009, RFC 7591, RFC 9449 and OpenID Connect Core §3.1.2.6.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidRequest = Code("invalid_request")
        public static let invalidClient = Code("invalid_client")
        public static let invalidGrant = Code("invalid_grant")
        public static let unauthorizedClient = Code("unauthorized_client")
        public static let unsupportedGrantType = Code("unsupported_grant_type")
        public static let invalidScope = Code("invalid_scope")
        public static let accessDenied = Code("access_denied")
        public static let unsupportedResponseType = Code("unsupported_response_type")
        public static let serverError = Code("server_error")
        public static let temporarilyUnavailable = Code("temporarily_unavailable")
        public static let invalidToken = Code("invalid_token")
        public static let insufficientScope = Code("insufficient_scope")
        public static let unsupportedTokenType = Code("unsupported_token_type")
        public static let invalidTarget = Code("invalid_target")
        public static let loginRequired = Code("login_required")
        public static let consentRequired = Code("consent_required")
        public static let interactionRequired = Code("interaction_required")
        public static let tooManyRequests = Code("too_many_requests")
        /// RFC 7591 §3.2.2: a redirect URI the registration endpoint will not accept.
        public static let invalidRedirectURI = Code("invalid_redirect_uri")
        /// RFC 7591 §3.2.2: any other client metadata value the registration endpoint refuses.
        public static let invalidClientMetadata = Code("invalid_client_metadata")
        /// RFC 9449 §5, §7.1: a DPoP proof that is missing where required, malformed, or fails a check.
        public static let invalidDPoPProof = Code("invalid_dpop_proof")
        /// RFC 9449 §8: the proof must carry the nonce the server sends in `DPoP-Nonce`.
        public static let useDPoPNonce = Code("use_dpop_nonce")

        /// The status RFC 6749 §5.2 and RFC 6750 §3.1 give each code.
        public var defaultStatus: Int {
            switch self {
            case .invalidClient, .invalidToken: 401
            case .insufficientScope: 403
            case .tooManyRequests: 429
            case .serverError: 500
            case .temporarilyUnavailable: 503
            default: 400
            }
        }
    }
}

extension OAuthError: LocalizedError {
    public var errorDescription: String? {
        description.map { "\(code.rawValue): \($0)" } ?? code.rawValue
    }
}

extension OAuthError: Codable {
    enum CodingKeys: String, CodingKey {
        case code = "error"
        case description = "error_description"
        case uri = "error_uri"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(Code.self, forKey: .code),
            try container.decodeIfPresent(String.self, forKey: .description),
            uri: try container.decodeIfPresent(String.self, forKey: .uri)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encodeIfPresent(uri, forKey: .uri)
    }
}
