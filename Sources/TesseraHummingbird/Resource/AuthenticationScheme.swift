/// The HTTP authentication scheme an access token arrives in, and a refusal's challenge speaks:
/// `Bearer` (RFC 6750) or `DPoP` (RFC 9449 §7.1). A refusal answers in the scheme the client
/// used, so a DPoP client is told about its proof, and a bearer client is not sent one's errors.
public struct AuthenticationScheme: Sendable, Hashable, CustomStringConvertible {
    private enum Value: Sendable, Hashable { case bearer, dpop }
    private let value: Value

    /// `Authorization: Bearer <token>`: whoever holds the token may use it.
    public static var bearer: AuthenticationScheme { AuthenticationScheme(value: .bearer) }
    /// `Authorization: DPoP <token>` with a `DPoP` proof header: the token works only with a
    /// proof signed by the key it is bound to.
    public static var dpop: AuthenticationScheme { AuthenticationScheme(value: .dpop) }

    /// The scheme's name as written in `Authorization` and `WWW-Authenticate`.
    public var name: String {
        switch value {
        case .bearer: "Bearer"
        case .dpop: "DPoP"
        }
    }

    public var description: String { name }
}
