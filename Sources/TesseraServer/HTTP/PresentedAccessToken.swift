import Hummingbird
import TesseraCore

/// An access token as a request to a resource endpoint presents it, and under which scheme:
/// RFC 6750's `Bearer` (header or form body) or RFC 9449 §7.1's `DPoP` (header only, with a
/// `DPoP` proof beside it).
///
/// The scheme matters: a DPoP-bound token presented as `Bearer` is refused (§7.2), since that is
/// exactly what a thief without the key would do, and an unbound token under `DPoP` is refused too.
///
/// ```swift
/// guard let presented = try await PresentedAccessToken.find(in: request, limit: maxBodyBytes) else { … }
/// if presented.scheme == .dpop { … check the proof … }
/// ```
struct PresentedAccessToken: Sendable {
    enum Scheme: Sendable {
        case bearer
        case dpop
    }

    var token: Secret
    var scheme: Scheme

    /// The token the request presents, or nil when it carries none.
    /// - Throws: ``OAuthError`` `invalid_request` for two methods at once (a `DPoP` header and a
    ///   body token count as two), and what ``BearerToken/find(in:limit:)`` throws.
    static func find(in request: Request, limit: Int) async throws(OAuthError) -> PresentedAccessToken? {
        guard let token = BearerToken.inHeader(of: request, scheme: "DPoP") else {
            return try await BearerToken.find(in: request, limit: limit).map { PresentedAccessToken(token: $0, scheme: .bearer) }
        }
        // RFC 6750 §2.2's body method is for Bearer only; beside a DPoP header it is a second method.
        guard try await BearerToken.inBody(of: request, limit: limit) == nil else { throw BearerToken.twoMethods }
        return PresentedAccessToken(token: token, scheme: .dpop)
    }
}
