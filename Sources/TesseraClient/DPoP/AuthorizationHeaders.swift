public import TesseraCore

/// The headers that present an access token to an API: `Authorization: Bearer <token>` for a
/// bearer token; `Authorization: DPoP <token>` and a `DPoP` proof of possession of the client's
/// key, made for this one request (its method and URL, the token's hash as `ath`), for a
/// DPoP-bound token (RFC 9449 §7.1).
///
/// Made by ``OIDCClient/authorizationHeaders(method:url:tokens:)`` for an app that sends the request
/// with its own HTTP client. A proof is good for one request only: make new headers for each.
/// Prints without the token.
///
/// ```swift
/// let headers = try await client.authorizationHeaders(method: "GET", url: apiURL, tokens: session.tokens)
/// for (name, value) in headers.fields { request.headers.add(name: name, value: value) }
/// ```
public struct AuthorizationHeaders: Sendable, CustomStringConvertible {
    /// The `Authorization` header's value: `DPoP <token>` or `Bearer <token>`.
    public let authorization: Secret
    /// The `DPoP` header's value, a signed proof JWT; `nil` for a bearer token. Not a secret: it
    /// is useless for any other request, and names the access token only by its hash.
    public let dpop: String?

    /// Both headers as name and value, the token in clear: for handing to an HTTP client only.
    public var fields: [(name: String, value: String)] {
        [("Authorization", authorization.unredacted)] + (dpop.map { [("DPoP", $0)] } ?? [])
    }

    public var description: String {
        "Authorization: \(authorization)" + (dpop == nil ? "" : ", DPoP: <proof>")
    }
}
