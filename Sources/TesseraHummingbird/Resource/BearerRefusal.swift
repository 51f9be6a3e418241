import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore
public import TesseraCore

/// Why an API turned a request away, as RFC 6750 §3 and RFC 9449 §7.1 say to tell the client: a
/// status, a `WWW-Authenticate` challenge in the scheme the client used (`Bearer` or `DPoP`), and
/// the same error as a JSON body for clients that read bodies rather than headers.
///
/// Every challenge names the API's RFC 9728 metadata (`resource_metadata`, §5.1), so a client
/// that knows nothing of the API yet (an MCP client) learns where to get a token from the 401.
/// A `DPoP` challenge also names the proof algorithms the API accepts (`algs`, RFC 9449 §7.1).
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
    /// The RFC 6750 §3.1 or RFC 9449 §7.1 code; `nil` for a request with no credentials at all
    /// (§3.1 says a challenge to a client that did not try gets no error code).
    public let code: OAuthError.Code?
    /// The `error_description`, a sentence for the client's developer.
    public let description: String?
    /// The scope the request needs (`insufficient_scope` only).
    public let scope: Scope?
    /// Where the API's RFC 9728 metadata lives.
    public let resourceMetadata: String?
    /// The scheme of the challenge that carries the error: the one the client used.
    public let scheme: AuthenticationScheme
    /// The DPoP proof algorithms the API accepts (`algs`); with a `Bearer` refusal, a second
    /// challenge, `DPoP algs="…"`, tells the client it may (or must) use DPoP instead. Empty: the
    /// API does not do DPoP, and no DPoP challenge is sent.
    public let dpopAlgorithms: [String]
    /// The nonce the client's next proof must carry (`DPoP-Nonce`, RFC 9449 §9), with `use_dpop_nonce`.
    public let dpopNonce: String?

    init(status: HTTPResponse.Status, code: OAuthError.Code?, description: String?, scope: Scope?, resourceMetadata: String?,
         scheme: AuthenticationScheme = .bearer, dpopAlgorithms: [String] = [], dpopNonce: String? = nil) {
        self.status = status
        self.code = code
        self.description = description
        self.scope = scope
        self.resourceMetadata = resourceMetadata
        self.scheme = scheme
        self.dpopAlgorithms = dpopAlgorithms
        self.dpopNonce = dpopNonce
    }

    /// No token, or one in a scheme the API does not read: 401 `Bearer resource_metadata="…"`
    /// and, when the API does DPoP (`dpopAlgorithms` not empty), `DPoP algs="…", resource_metadata="…"`
    /// as a second challenge (RFC 9449 §7.1), so the client may use either.
    public static func missingToken(resourceMetadata: String?, dpopAlgorithms: [String] = []) -> BearerRefusal {
        let header = dpopAlgorithms.isEmpty ? "an Authorization: Bearer header" : "an Authorization: Bearer header, or a DPoP header with its proof"
        return BearerRefusal(status: .unauthorized, code: nil, description: "This API needs an access token in \(header).",
                             scope: nil, resourceMetadata: resourceMetadata, dpopAlgorithms: dpopAlgorithms)
    }

    /// A request the client got wrong (two tokens, a token in the URL): 400 `invalid_request`.
    public static func invalidRequest(_ description: String, resourceMetadata: String?, scheme: AuthenticationScheme = .bearer,
                                      dpopAlgorithms: [String] = []) -> BearerRefusal {
        BearerRefusal(status: .badRequest, code: .invalidRequest, description: description, scope: nil, resourceMetadata: resourceMetadata,
                      scheme: scheme, dpopAlgorithms: dpopAlgorithms)
    }

    /// A token that is not good for this API (expired, forged, for another audience, bound to a
    /// key but sent as a bearer token): 401 `invalid_token`, in the scheme the client used. A
    /// `Bearer` one with `dpopAlgorithms` also challenges `DPoP`, telling the client how the
    /// token must be sent.
    public static func invalidToken(_ description: String, resourceMetadata: String?, scheme: AuthenticationScheme = .bearer,
                                    dpopAlgorithms: [String] = []) -> BearerRefusal {
        BearerRefusal(status: .unauthorized, code: .invalidToken, description: description, scope: nil, resourceMetadata: resourceMetadata,
                      scheme: scheme, dpopAlgorithms: dpopAlgorithms)
    }

    /// A good token without a permission the route needs: 403 `insufficient_scope` with `scope`,
    /// so the client knows what to ask the authorization server for; in the `DPoP` scheme for a
    /// request that came with a proof.
    public static func insufficientScope(_ needed: Scope, resourceMetadata: String?, scheme: AuthenticationScheme = .bearer,
                                         dpopAlgorithms: [String] = []) -> BearerRefusal {
        BearerRefusal(status: .forbidden, code: .insufficientScope,
                      description: "The access token lacks a permission this request needs: \(needed).",
                      scope: needed, resourceMetadata: resourceMetadata, scheme: scheme, dpopAlgorithms: dpopAlgorithms)
    }

    /// The token could not be checked at all (the authorization server's keys or introspection
    /// endpoint unreachable): 503, no challenge, since the client did nothing wrong.
    public static var authorizationServerUnavailable: BearerRefusal {
        BearerRefusal(status: .serviceUnavailable, code: .temporarilyUnavailable,
                      description: "The access token could not be checked right now; try again later.", scope: nil, resourceMetadata: nil)
    }

    /// The `WWW-Authenticate` challenges, one per header field, the one carrying the error first;
    /// none for a 503. A client that reads only the first field sees the scheme it used.
    public var challenges: [String] {
        guard status != .serviceUnavailable else { return [] }
        var parameters: [(String, String)] = []
        if let code { parameters.append(("error", code.rawValue)) }
        if let scope { parameters.append(("scope", scope.description)) }
        if code != nil, let description { parameters.append(("error_description", description)) }
        let algorithms = ("algs", dpopAlgorithms.joined(separator: " "))
        if scheme == .dpop { parameters.append(algorithms) }
        let metadata = resourceMetadata.map { [("resource_metadata", $0)] } ?? []
        var challenges = [Self.challenge(scheme, parameters + metadata)]
        if scheme == .bearer, !dpopAlgorithms.isEmpty, status == .unauthorized {
            challenges.append(Self.challenge(.dpop, [algorithms] + metadata))
        }
        return challenges
    }

    /// The first challenge (the one carrying the error); `nil` for a 503.
    public var challenge: String? {
        challenges.first
    }

    /// The answer: status, challenges, `{"error", "error_description"}`, never cached.
    public var response: Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        for challenge in challenges {
            headers.append(HTTPField(name: .wwwAuthenticate, value: challenge))
        }
        if let dpopNonce { headers[Self.dpopNonceHeader] = dpopNonce }
        let body = (try? JSONEncoder().encode(Body(error: code?.rawValue, errorDescription: description))) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func challenge(_ scheme: AuthenticationScheme, _ parameters: [(String, String)]) -> String {
        let list = parameters.map { "\($0.0)=\(ChallengeParameter.quoted($0.1))" }.joined(separator: ", ")
        return list.isEmpty ? scheme.name : scheme.name + " " + list
    }

    /// RFC 9449 §8.1's header; a browser-based client reads it only when CORS exposes it.
    static let dpopNonceHeader = HTTPField.Name("DPoP-Nonce")!

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
}
