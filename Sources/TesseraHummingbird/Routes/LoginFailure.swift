import HTTPTypes
import TesseraClient
import TesseraCore

/// Why a login could not finish, as the error page and the log say it: a stable code, a status,
/// and a sentence for the user — never a state, code or token.
///
/// A callback the app did not expect (stale, replayed, forged, or the provider saying no) is the
/// browser's problem, a 400 with a way to log in again; only a provider that cannot be reached
/// or refuses the app itself is a 502, and a session store that fails a 503.
struct LoginFailure: Error, Sendable {
    private enum Kind: Sendable {
        case noLoginInProgress, unknownState, malformedCallback, deniedByProvider, codeRejected
        case untrustedResponse, exchangeRefused, providerUnavailable, sessionsUnavailable
    }

    private let kind: Kind
    /// The provider's or the client library's own code behind it, when there is one.
    let detail: String?

    private init(_ kind: Kind, detail: String? = nil) {
        self.kind = kind
        self.detail = detail.map { String($0.prefix(64)) }
    }

    /// No session cookie, or a session with no login under way: expired, or cookies blocked.
    static var noLoginInProgress: Self { .init(.noLoginInProgress) }
    /// A state that no login of this browser sent: stale, already used, or forged.
    static var unknownState: Self { .init(.unknownState) }
    /// The session store failed.
    static var sessionsUnavailable: Self { .init(.sessionsUnavailable) }

    /// A failure of the callback's checks (``OIDCClient/validateCallback(query:pending:)``).
    static func callback(_ error: any Error) -> Self {
        switch error {
        case let error as OAuthError: .init(.deniedByProvider, detail: error.code.rawValue)
        case let error as ClientError: .init(.malformedCallback, detail: error.code.rawValue)
        default: .init(.malformedCallback, detail: String(describing: type(of: error)))
        }
    }

    /// A failure of the code exchange (``OIDCClient/exchangeCode(_:pending:)``).
    static func exchange(_ error: any Error) -> Self {
        switch error {
        case let error as OAuthError where error.code == .invalidGrant: .init(.codeRejected, detail: error.code.rawValue)
        case let error as OAuthError: .init(.exchangeRefused, detail: error.code.rawValue)
        case let error as ClientError where error.code == .timeout || error.code == .transportFailed:
            .init(.providerUnavailable, detail: error.code.rawValue)
        case let error as ClientError: .init(.untrustedResponse, detail: error.code.rawValue)
        default: .init(.providerUnavailable, detail: String(describing: type(of: error)))
        }
    }

    /// The provider could not be reached (discovery failed before a login could start).
    static func providerUnavailable(_ error: any Error) -> Self {
        .init(.providerUnavailable, detail: (error as? ClientError)?.code.rawValue ?? String(describing: type(of: error)))
    }

    var status: HTTPResponse.Status {
        switch kind {
        case .exchangeRefused, .providerUnavailable: .badGateway
        case .sessionsUnavailable: .serviceUnavailable
        default: .badRequest
        }
    }

    /// The stable code, with the provider's or library's own after a colon.
    var code: String {
        let base = switch kind {
        case .noLoginInProgress: "LOGIN_NOT_IN_PROGRESS"
        case .unknownState: "LOGIN_STATE_UNKNOWN"
        case .malformedCallback: "LOGIN_CALLBACK_INVALID"
        case .deniedByProvider: "LOGIN_DENIED"
        case .codeRejected: "LOGIN_CODE_REJECTED"
        case .untrustedResponse: "LOGIN_RESPONSE_UNTRUSTED"
        case .exchangeRefused: "LOGIN_EXCHANGE_REFUSED"
        case .providerUnavailable: "LOGIN_PROVIDER_UNAVAILABLE"
        case .sessionsUnavailable: "LOGIN_SESSIONS_UNAVAILABLE"
        }
        return detail.map { "\(base): \($0)" } ?? base
    }

    var title: String {
        switch kind {
        case .deniedByProvider: "Login cancelled"
        case .providerUnavailable, .sessionsUnavailable: "Login unavailable"
        default: "Login failed"
        }
    }

    var message: String {
        switch kind {
        case .noLoginInProgress:
            "This browser has no login under way: it may have taken too long, or cookies may be blocked for this site."
        case .unknownState:
            "This answer from the login page does not belong to a login started in this browser: it is stale, was already used, or was forged."
        case .malformedCallback:
            "The answer from the login page is incomplete or not from the expected provider."
        case .deniedByProvider:
            "The provider did not log you in: the login was cancelled or refused."
        case .codeRejected:
            "The login took too long or was already completed, so the provider refused it."
        case .untrustedResponse:
            "The provider's answer failed a security check, so it was not trusted."
        case .exchangeRefused:
            "The provider refused to complete the login for this application."
        case .providerUnavailable:
            "The login provider cannot be reached right now. Please try again in a moment."
        case .sessionsUnavailable:
            "Sessions cannot be stored right now. Please try again in a moment."
        }
    }
}
