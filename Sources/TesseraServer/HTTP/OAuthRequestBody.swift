import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCore

/// Reads the parameters of a POST to an OAuth endpoint from its body: form-encoded (RFC 6749) or
/// JSON (Auth0, the seed). Any other type, or a body that cannot be read, is `invalid_request`;
/// a body over the limit is a 413.
enum OAuthRequestBody {
    /// An oversized body: answered with 413 and an `invalid_request` body.
    struct TooLarge: Error {}

    static func parameters(of request: Request, limit: Int) async throws -> OAuthParameters {
        try checkDeclaredLength(of: request, limit: limit)
        let mediaType = mediaType(of: request)
        guard let mediaType, ["application/x-www-form-urlencoded", "application/json"].contains(mediaType) else {
            throw OAuthError(.invalidRequest, "The body must be application/x-www-form-urlencoded or application/json.")
        }
        let buffer = try await bytes(of: request, limit: limit)
        if mediaType == "application/json" {
            return try OAuthParameters(json: Data(buffer.readableBytesView))
        }
        return try OAuthParameters(form: try text(buffer))
    }

    /// A form-encoded body as text, not yet parsed: `POST /authorize` validates it exactly as the
    /// query of a GET. JSON is not accepted there: OpenID Connect Core §3.1.2.1 says form.
    static func formText(of request: Request, limit: Int) async throws -> String {
        try checkDeclaredLength(of: request, limit: limit)
        guard mediaType(of: request) == "application/x-www-form-urlencoded" else {
            throw OAuthError(.invalidRequest, "The body must be application/x-www-form-urlencoded.")
        }
        return try text(try await bytes(of: request, limit: limit))
    }

    /// A JSON body's bytes, not yet parsed: the registration endpoint reads client metadata
    /// (RFC 7591 §3) as JSON only, and answers any other type with `refusal`.
    static func jsonBytes(of request: Request, limit: Int, otherwise refusal: OAuthError) async throws -> ByteBuffer {
        try checkDeclaredLength(of: request, limit: limit)
        guard mediaType(of: request) == "application/json" else { throw refusal }
        return try await bytes(of: request, limit: limit)
    }

    private static func mediaType(of request: Request) -> String? {
        guard let contentType = request.headers[.contentType] else { return nil }
        let type = contentType.utf8.firstIndex(of: UInt8(ascii: ";")).map { contentType[..<$0] } ?? contentType[...]
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A body that announces more than the limit is refused before anything else is looked at.
    private static func checkDeclaredLength(of request: Request, limit: Int) throws {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw TooLarge()
        }
    }

    private static func bytes(of request: Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw TooLarge()
        } catch {
            // The body comes from the client: a read that fails is its broken chunked framing or a
            // body cut short of its length — the client's mistake, never the server's.
            throw OAuthError(.invalidRequest, "The request body could not be read: its chunked framing is broken or it ended early.")
        }
    }

    /// The body as text, read straight from NIO's buffer (no copy into `Data` first). A leading
    /// byte order mark is skipped, as Foundation's `String(data:encoding:)` skipped it before.
    private static func text(_ buffer: ByteBuffer) throws(OAuthError) -> String {
        var bytes = buffer.readableBytesView
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw OAuthError(.invalidRequest, "The request body is not UTF-8.")
        }
        return text
    }

    /// The 413 answer, still in OAuth's error shape so clients can read it.
    static var tooLargeResponse: Response {
        OAuthError(.invalidRequest, "The request body is too large.", status: 413).response()
    }
}
