import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore
public import TesseraCore

/// Why an API turned a request away, as RFC 6750 §3 says to tell the client: a status, a
/// `WWW-Authenticate: Bearer` challenge, and the same error as a JSON body for clients that read
/// bodies rather than headers.
///
/// Every challenge names the API's RFC 9728 metadata (`resource_metadata`, §5.1), so a client
/// that knows nothing of the API yet (an MCP client) learns where to get a token from the 401.
/// Values are quoted with only the characters §3 allows, so no description (which may quote a
/// claim of the token) can end the header or start another.
///
/// A handler with a finer rule than a scope (only the caller's own messages) throws one, and
/// Hummingbird answers with it:
///
/// ```swift
/// guard message.owner == context.accessToken?.subject else {
///     throw BearerRefusal.insufficientScope(Scope("read:all-messages"), resourceMetadata: metadata.metadataURL)
/// }
/// ```
public struct BearerRefusal: HTTPResponseError, Sendable, Equatable {
    /// The HTTP status: 400, 401, 403, or 503.
    public let status: HTTPResponse.Status
    /// The RFC 6750 §3.1 code; `nil` for a request with no credentials at all (§3.1 says a
    /// challenge to a client that did not try gets no error code).
    public let code: OAuthError.Code?
    /// The `error_description`, a sentence for the client's developer.
    public let description: String?
    /// The scope the request needs (`insufficient_scope` only).
    public let scope: Scope?
    /// Where the API's RFC 9728 metadata lives.
    public let resourceMetadata: String?

    /// No token, or one in a scheme other than Bearer: 401 `Bearer resource_metadata="…"`.
    public static func missingToken(resourceMetadata: String?) -> BearerRefusal {
        BearerRefusal(status: .unauthorized, code: nil, description: "This API needs an access token in an Authorization: Bearer header.",
                      scope: nil, resourceMetadata: resourceMetadata)
    }

    /// A request the client got wrong (two tokens, a token in the URL): 400 `invalid_request`.
    public static func invalidRequest(_ description: String, resourceMetadata: String?) -> BearerRefusal {
        BearerRefusal(status: .badRequest, code: .invalidRequest, description: description, scope: nil, resourceMetadata: resourceMetadata)
    }

    /// A token that is not good for this API (expired, forged, for another audience): 401 `invalid_token`.
    public static func invalidToken(_ description: String, resourceMetadata: String?) -> BearerRefusal {
        BearerRefusal(status: .unauthorized, code: .invalidToken, description: description, scope: nil, resourceMetadata: resourceMetadata)
    }

    /// A good token without a permission the route needs: 403 `insufficient_scope` with `scope`,
    /// so the client knows what to ask the authorization server for.
    public static func insufficientScope(_ needed: Scope, resourceMetadata: String?) -> BearerRefusal {
        BearerRefusal(status: .forbidden, code: .insufficientScope,
                      description: "The access token lacks a permission this request needs: \(needed).",
                      scope: needed, resourceMetadata: resourceMetadata)
    }

    /// The token could not be checked at all (the authorization server's keys or introspection
    /// endpoint unreachable): 503, no challenge, since the client did nothing wrong.
    public static var authorizationServerUnavailable: BearerRefusal {
        BearerRefusal(status: .serviceUnavailable, code: .temporarilyUnavailable,
                      description: "The access token could not be checked right now; try again later.", scope: nil, resourceMetadata: nil)
    }

    /// The `WWW-Authenticate` value; `nil` for a 503.
    public var challenge: String? {
        guard status != .serviceUnavailable else { return nil }
        var parameters: [(String, String)] = []
        if let code { parameters.append(("error", code.rawValue)) }
        if let scope { parameters.append(("scope", scope.description)) }
        if code != nil, let description { parameters.append(("error_description", description)) }
        if let resourceMetadata { parameters.append(("resource_metadata", resourceMetadata)) }
        let list = parameters.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: ", ")
        return list.isEmpty ? "Bearer" : "Bearer " + list
    }

    /// The answer: status, challenge, `{"error", "error_description"}`, never cached.
    public var response: Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if let challenge { headers[.wwwAuthenticate] = challenge }
        let body = (try? JSONEncoder().encode(Body(error: code?.rawValue, errorDescription: description))) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The answer, when a handler throws the refusal.
    public func response(from request: Request, context: some RequestContext) -> Response {
        response
    }

    private struct Body: Encodable {
        let error: String?
        let errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    /// A quoted-string of the characters RFC 6750 §3 allows in these values (%x20-21 / %x23-5B /
    /// %x5D-7E): a `"` becomes `'`, anything else outside them (a backslash, a line break, a
    /// control or non-ASCII character) a space.
    static func quoted(_ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: quoted += "'"
            case 0x20...0x21, 0x23...0x5B, 0x5D...0x7E: quoted.unicodeScalars.append(scalar)
            default: quoted += " "
            }
        }
        return quoted + "\""
    }
}
