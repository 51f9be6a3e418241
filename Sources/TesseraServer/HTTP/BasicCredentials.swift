import Foundation
import TesseraCore

/// Client credentials from an `Authorization: Basic` header (RFC 6749 §2.3.1).
///
/// The id and secret are form-urlencoded *before* base64 encoding, so they are decoded after
/// splitting on the first colon; a secret may then contain a colon of its own.
struct BasicCredentials: Sendable {
    let clientID: String
    let clientSecret: Secret

    /// Parses the header value; `nil` when it is not the Basic scheme at all.
    /// - Throws: `invalid_client` when it is Basic but malformed.
    static func parse(authorization header: String) throws(OAuthError) -> BasicCredentials? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let decoded = String(data: data, encoding: .utf8),
              let colon = decoded.firstIndex(of: ":"),
              let id = FormURLEncoding.unescape(decoded[..<colon]),
              let secret = FormURLEncoding.unescape(decoded[decoded.index(after: colon)...]),
              !id.isEmpty
        else {
            throw OAuthError(.invalidClient, "The Basic credentials are malformed.")
        }
        if let error = OAuthParameters.controlCharacterError(name: "client_id", value: id) { throw error }
        return BasicCredentials(clientID: id, clientSecret: Secret(secret))
    }
}
