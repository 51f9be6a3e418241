import Hummingbird
import Logging
import TesseraCore

/// How the client-authenticated OAuth endpoints (token, revocation, introspection) answer a
/// failure: a refused client with its `Basic` challenge, an OAuth error as JSON, an oversized
/// body as 413 — and anything else as a logged `server_error` that says nothing of its cause.
enum OAuthFailureResponse {
    static let basicChallenge = #"Basic realm="tessera""#

    /// The `error` code a failure answers with, for metrics.
    static func code(of error: any Error) -> OAuthError.Code {
        switch error {
        case let failure as ClientAuthenticator.Failure: failure.error.code
        case let error as OAuthError: error.code
        case is OAuthRequestBody.TooLarge: .invalidRequest
        default: .serverError
        }
    }

    /// The response for `error`; `triedBasic` adds the challenge to an `invalid_client` that the
    /// authenticator did not raise itself (RFC 6749 §5.2).
    static func response(for error: any Error, triedBasic: Bool = false, operation: String, logger: Logger) -> Response {
        switch error {
        case let failure as ClientAuthenticator.Failure:
            return failure.error.response(challenge: failure.triedBasic ? basicChallenge : nil)
        case let error as OAuthError:
            return error.response(challenge: error.code == .invalidClient && triedBasic ? basicChallenge : nil)
        case is OAuthRequestBody.TooLarge:
            return OAuthRequestBody.tooLargeResponse
        default:
            logger.error("\(operation) failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return OAuthError(.serverError, "The request could not be completed; try again.").response()
        }
    }
}
