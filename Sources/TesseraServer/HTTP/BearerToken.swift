import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// Finds the access token of a request to a resource endpoint (RFC 6750 §2): in an
/// `Authorization: Bearer` header (§2.1) or, for a POST, an `access_token` in a form-encoded
/// body (§2.2). A client must use one method only (§2): both at once is `invalid_request`.
///
/// A body of another type, or a GET's body, is not looked at: §2.2 applies to form bodies only.
/// The DPoP scheme (RFC 9449 §7.1) is found by ``PresentedAccessToken``.
enum BearerToken {
    /// The token, or nil when the request carries none.
    /// - Throws: ``OAuthError`` `invalid_request` for two methods at once, a malformed or repeated
    ///   body parameter, or a body over `limit` (413).
    static func find(in request: Request, limit: Int) async throws(OAuthError) -> Secret? {
        let header = inHeader(of: request)
        guard let body = try await inBody(of: request, limit: limit) else { return header }
        guard header == nil else { throw twoMethods }
        return body
    }

    /// The token of an `Authorization: Bearer` header (RFC 6750 §2.1), or of another scheme whose
    /// credentials have the same token68 form (`DPoP`, RFC 9449 §7.1).
    static func inHeader(of request: Request, scheme: String = "bearer") -> Secret? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == scheme.lowercased() else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : Secret(token)
    }

    /// The `access_token` of a POST's form body (RFC 6750 §2.2); nil for any other request.
    static func inBody(of request: Request, limit: Int) async throws(OAuthError) -> Secret? {
        guard request.method == .post, isForm(request) else { return nil }
        let parameters: OAuthParameters
        do {
            parameters = try await OAuthRequestBody.parameters(of: request, limit: limit)
        } catch let error as OAuthError {
            throw error
        } catch {
            throw OAuthError(.invalidRequest, "The request body is too large.", status: 413)
        }
        return parameters["access_token"].map(Secret.init)
    }

    /// RFC 6750 §2: the token came by two methods at once.
    static let twoMethods = OAuthError(
        .invalidRequest, "The access token was sent both in the Authorization header and in the body; use one (RFC 6750 §2).")

    private static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }
}
