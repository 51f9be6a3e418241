import Foundation
import TesseraCore

/// Reads a refusal from the provider: an RFC 6749 §5.2 JSON error body becomes the provider's
/// ``OAuthError`` with the response's HTTP status; an RFC 6750 `WWW-Authenticate: Bearer error=…`
/// challenge likewise, or its RFC 9449 §7.1 `DPoP` twin; anything else (an HTML 502 from a proxy, an empty 500) is a
/// `.malformedResponse` ``ClientError`` carrying the status — never a crash.
enum ProviderErrorResponse {
    static func error(from response: TransportResponse, operation: String) -> any Error {
        if let error = try? JSONDecoder().decode(OAuthError.self, from: Data(response.body)), !error.code.rawValue.isEmpty {
            return OAuthError(error.code, error.description, uri: error.uri, status: response.status)
        }
        if let challenge = response.header("WWW-Authenticate"), let error = bearerError(challenge) {
            return OAuthError(error.code, error.description, uri: error.uri, status: response.status)
        }
        return ClientError(.malformedResponse, "The \(operation) failed with HTTP \(response.status) and no OAuth error in the body.",
                           status: response.status)
    }

    /// The `error`, `error_description` and `error_uri` of a Bearer challenge (RFC 6750 §3), or of
    /// a DPoP one (RFC 9449 §7.1), whichever carries an error.
    static func bearerError(_ challenge: String) -> OAuthError? {
        guard let bearer = AuthenticationChallenge.parse(challenge).first(where: {
                  ["bearer", "dpop"].contains($0.scheme) && $0.parameters["error"] != nil
              }),
              let code = bearer.parameters["error"], !code.isEmpty
        else { return nil }
        return OAuthError(OAuthError.Code(code), bearer.parameters["error_description"], uri: bearer.parameters["error_uri"])
    }
}
