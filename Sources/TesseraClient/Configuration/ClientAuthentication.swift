/// How the client proves its identity at the token and revocation endpoints (RFC 6749 §2.3,
/// OpenID Connect Core §9).
///
/// ```swift
/// configuration.authentication = .clientSecretBasic   // the default: RFC 6749's preferred method
/// configuration.authentication = .clientSecretPost    // client_id and client_secret in the form body
/// configuration.authentication = .clientSecretJSON    // the seed's (and Auth0's) JSON body
/// ```
public struct ClientAuthentication: Hashable, Sendable, CustomStringConvertible {
    private enum Internal: String, Hashable, Sendable {
        case basic = "client_secret_basic"
        case post = "client_secret_post"
        case json = "client_secret_json"
        case none = "none"
    }

    private let value: Internal
    private init(_ value: Internal) { self.value = value }

    /// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`, form body. The id and
    /// secret are form-urlencoded *before* base64 (RFC 6749 §2.3.1), so a secret holding `:` or
    /// `+` survives the trip.
    public static var clientSecretBasic: Self { .init(.basic) }
    /// `client_id` and `client_secret` in a form-encoded body.
    public static var clientSecretPost: Self { .init(.post) }
    /// Every parameter, `client_secret` included, in an `application/json` body: what the seed's
    /// Node and Python code sends and Auth0 accepts. Not an RFC method; use it for such providers.
    public static var clientSecretJSON: Self { .init(.json) }
    /// A public client: `client_id` in the form body, no secret (PKCE is its proof).
    public static var none: Self { .init(.none) }

    /// The method's name (`client_secret_basic`, …), as discovery documents list them.
    public var rawValue: String { value.rawValue }
    public var description: String { value.rawValue }

    /// Whether the method sends a client secret.
    var usesSecret: Bool { value != .none }
    /// Whether the body is JSON rather than form-encoded.
    var usesJSONBody: Bool { value == .json }
    /// Whether the credentials travel in the Authorization header.
    var usesBasicHeader: Bool { value == .basic }
}
