import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraClient
import TesseraCore

/// Finds the access token of a request to a protected API: an `Authorization: Bearer` header
/// (RFC 6750 §2.1), the one method the API accepts and advertises (`bearer_methods_supported:
/// ["header"]`), or an `Authorization: DPoP` header with the request's `DPoP` proof headers
/// (RFC 9449 §7.1), which the middleware checks.
///
/// A token in the URL's `access_token` (§2.3) or in a form body (§2.2) is refused as
/// `invalid_request` rather than ignored: URLs land in logs, browser history and `Referer`
/// headers (§5.3 advises against them), and a client told "no credentials" would retry the same
/// mistake. Two `Authorization` headers are refused too: which one a proxy or framework reads is
/// not defined, and the API must check the token the client meant.
enum BearerCredentials {
    /// What the request carries.
    enum Found: Sendable {
        /// No `Authorization` header, or one in another scheme (Basic): a client that did not
        /// try a scheme the API reads is told how to, with no error code (§3.1).
        case none
        case bearer(Secret)
        /// The token and every `DPoP` header's value (RFC 9449 §4.3 wants exactly one; the
        /// middleware says so when there are none or more).
        case dpop(Secret, proofs: [String])
    }

    /// - Parameter formBodyLimit: how much of a form-encoded body is read to look for an
    ///   `access_token` in it; a larger form body is refused with 413.
    /// - Throws: ``BearerRefusal`` `invalid_request` for a request that sends its token wrongly.
    ///   - dpopAlgorithms: named in a refusal of a malformed `DPoP` header (RFC 9449 §7.1 `algs`).
    static func find(in request: inout Request, formBodyLimit: Int, resourceMetadata: String?, dpopAlgorithms: [String]) async throws -> Found {
        func refuse(_ description: String, scheme: AuthenticationScheme = .bearer) -> BearerRefusal {
            .invalidRequest(description, resourceMetadata: resourceMetadata, scheme: scheme, dpopAlgorithms: dpopAlgorithms)
        }
        let headers = request.headers[values: .authorization]
        guard headers.count <= 1 else {
            throw refuse("The request has more than one Authorization header; send the access token in one.")
        }
        if let query = request.uri.query, FormURLEncoding.decode(query)?.contains(where: { $0.name == "access_token" }) ?? query.contains("access_token=") {
            throw refuse("This API does not accept an access token in the URL (RFC 6750 §2.3); send it in an Authorization: Bearer header.")
        }
        if try await formBody(of: &request, limit: formBodyLimit)?.contains(where: { $0.name == "access_token" }) == true {
            throw refuse("This API does not accept an access token in the request body (RFC 6750 §2.2); send it in an Authorization: Bearer header.")
        }
        guard let header = headers.first else { return .none }
        let name = header.prefix { $0 != " " }
        let scheme: AuthenticationScheme
        switch name.lowercased() {
        case "bearer": scheme = .bearer
        case "dpop": scheme = .dpop
        default: return .none
        }
        let token = header.dropFirst(name.count).drop { $0 == " " }
        guard isToken68(token) else {
            let rule = scheme == .dpop ? "RFC 9449 section 7.1" : "RFC 6750 §2.1"
            throw refuse("The Authorization header's \(scheme) token is missing or malformed (\(rule)).", scheme: scheme)
        }
        guard scheme == .dpop else { return .bearer(Secret(String(token))) }
        return .dpop(Secret(String(token)), proofs: request.headers[values: proofHeader])
    }

    /// The `DPoP` request header (RFC 9449 §4.1), which carries the proof.
    static let proofHeader = HTTPField.Name("DPoP")!

    /// The parameters of a form-encoded body (read, and kept for the route), `nil` for any other
    /// body: §2.2 applies to form bodies of methods that have a body only.
    private static func formBody(of request: inout Request, limit: Int) async throws -> [(name: String, value: String)]? {
        guard request.method != .get, request.method != .head,
              request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
              == "application/x-www-form-urlencoded"
        else { return nil }
        let body = try await request.collectBody(upTo: limit)
        return FormURLEncoding.decode(String(buffer: body)) ?? []
    }

    /// RFC 6750 §2.1's `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    private static func isToken68(_ token: Substring) -> Bool {
        let body = token.utf8.prefix { $0 != UInt8(ascii: "=") }
        guard !body.isEmpty, token.utf8.dropFirst(body.count).allSatisfy({ $0 == UInt8(ascii: "=") }) else { return false }
        return body.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
            default: false
            }
        }
    }
}
