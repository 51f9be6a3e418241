import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}

extension Response {
    /// A JSON body. Token and error responses pass `noStore`, so no cache keeps a token
    /// (RFC 6749 §5.1: `Cache-Control: no-store`, `Pragma: no-cache`).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, noStore: Bool = true, headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data(#"{"error":"server_error"}"#.utf8)
        return json(bytes: body, status: status, noStore: noStore, headers: extra)
    }

    /// Pre-encoded JSON, such as the JWKS and discovery documents.
    static func json(bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, noStore: Bool, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json;charset=utf-8"]
        if noStore {
            headers[.cacheControl] = "no-store"
            headers[.pragma] = "no-cache"
        }
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An HTML page with the headers every page of the provider carries: never cached, never
    /// framed (clickjacking), no referrer sent onward (the URL may carry a code or state).
    static func html(_ page: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html;charset=utf-8",
            .cacheControl: "no-store",
            .pragma: "no-cache",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
            .referrerPolicy: "no-referrer",
            .xContentTypeOptions: "nosniff",
            .xFrameOptions: "DENY",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// A 302 to `location`, never cached (it may carry a code) and sending no referrer.
    static func redirecting(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .location: location,
            .cacheControl: "no-store",
            .pragma: "no-cache",
            .referrerPolicy: "no-referrer",
        ]
        headers.append(contentsOf: extra)
        return Response(status: .found, headers: headers)
    }

    /// A plain-text response for the health endpoints.
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain;charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
