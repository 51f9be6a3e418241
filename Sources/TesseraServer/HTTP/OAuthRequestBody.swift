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
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw TooLarge()
        }
        let mediaType = request.headers[.contentType]?
            .split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard let mediaType, ["application/x-www-form-urlencoded", "application/json"].contains(mediaType) else {
            throw OAuthError(.invalidRequest, "The body must be application/x-www-form-urlencoded or application/json.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw TooLarge()
        } catch {
            // The body comes from the client: a read that fails is its broken chunked framing or a
            // body cut short of its length — the client's mistake, never the server's.
            throw OAuthError(.invalidRequest, "The request body could not be read: its chunked framing is broken or it ended early.")
        }
        let bytes = Data(buffer.readableBytesView)
        if mediaType == "application/json" {
            return try OAuthParameters(json: bytes)
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw OAuthError(.invalidRequest, "The request body is not UTF-8.")
        }
        return try OAuthParameters(form: text)
    }

    /// The 413 answer, still in OAuth's error shape so clients can read it.
    static var tooLargeResponse: Response {
        OAuthError(.invalidRequest, "The request body is too large.", status: 413).response()
    }
}
