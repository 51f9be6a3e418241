/// A failure of the relying party itself: a response it must not trust, a callback that is not
/// the one it started, an id_token that fails a check, or a transport that could not deliver.
///
/// A refusal *from the provider* (`invalid_grant`, `invalid_client`, …) is a TesseraCore
/// ``OAuthError`` instead, so an app can tell "the provider said no" from "this response is wrong".
/// Codes are stable strings (`ID_TOKEN_AUD_MISMATCH`) for logs and metrics; the cases sit behind a
/// private enum so new ones can be added without breaking a `switch` in an app. Messages,
/// `expected` and `actual` never carry a secret (no state, nonce, code or token values).
///
/// ```swift
/// do {
///     let code = try client.validateCallback(query: query, pending: pending)
/// } catch let error as ClientError where error.code == .stateMismatch {
///     // Not the login this browser started (CSRF or a stale tab): start over.
/// }
/// ```
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public let code: Code
    /// A sentence for the developer reading the log.
    public let message: String
    /// The value a check expected, when it is not secret (an issuer, an audience, an algorithm).
    public let expected: String?
    /// The value a check found, when it is not secret.
    public let actual: String?
    /// The HTTP status of the response that caused the error, when there was one.
    public let status: Int?

    init(_ code: Code, _ message: String, expected: String? = nil, actual: String? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.expected = expected
        self.actual = actual
        self.status = status
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let expected { text += " (expected \(expected)" + (actual.map { ", got \($0))" } ?? ")") }
        else if let actual { text += " (got \(actual))" }
        return text
    }

    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Internal: String, Sendable {
            case invalidConfiguration = "INVALID_CONFIGURATION"
            case discoveryIssuerMismatch = "DISCOVERY_ISSUER_MISMATCH"
            case resourceMismatch = "RESOURCE_METADATA_MISMATCH"
            case endpointNotAdvertised = "ENDPOINT_NOT_ADVERTISED"
            case malformedCallback = "CALLBACK_MALFORMED"
            case missingState = "CALLBACK_STATE_MISSING"
            case stateMismatch = "CALLBACK_STATE_MISMATCH"
            case missingIssuerParameter = "CALLBACK_ISS_MISSING"
            case issuerParameterMismatch = "CALLBACK_ISS_MISMATCH"
            case missingCode = "CALLBACK_CODE_MISSING"
            case malformedResponse = "RESPONSE_MALFORMED"
            case timeout = "TIMEOUT"
            case transportFailed = "TRANSPORT_FAILED"
            case missingIDToken = "ID_TOKEN_MISSING"
            case malformedIDToken = "ID_TOKEN_MALFORMED"
            case invalidType = "ID_TOKEN_TYP_INVALID"
            case missingAuthTime = "ID_TOKEN_AUTH_TIME_MISSING"
            case authenticationTooOld = "ID_TOKEN_AUTH_TIME_TOO_OLD"
            case algorithmNotAllowed = "ID_TOKEN_ALG_NOT_ALLOWED"
            case keyNotFound = "ID_TOKEN_KEY_NOT_FOUND"
            case ambiguousKey = "ID_TOKEN_KEY_AMBIGUOUS"
            case invalidSignature = "ID_TOKEN_SIGNATURE_INVALID"
            case invalidIssuer = "ID_TOKEN_ISS_MISMATCH"
            case invalidAudience = "ID_TOKEN_AUD_MISMATCH"
            case invalidAuthorizedParty = "ID_TOKEN_AZP_MISMATCH"
            case expired = "ID_TOKEN_EXPIRED"
            case issuedInFuture = "ID_TOKEN_IAT_IN_FUTURE"
            case invalidNonce = "ID_TOKEN_NONCE_MISMATCH"
            case invalidAccessTokenHash = "ID_TOKEN_AT_HASH_MISMATCH"
            case subjectMismatch = "SUBJECT_MISMATCH"
            case missingRefreshToken = "REFRESH_TOKEN_MISSING"
            case refreshTokenRotated = "REFRESH_TOKEN_ROTATED"
            case malformedLogoutToken = "LOGOUT_TOKEN_MALFORMED"
            case logoutTokenInvalidType = "LOGOUT_TOKEN_TYP_INVALID"
            case logoutTokenEventMissing = "LOGOUT_TOKEN_EVENT_MISSING"
            case logoutTokenNonceForbidden = "LOGOUT_TOKEN_NONCE_PRESENT"
            case logoutTokenSubjectMissing = "LOGOUT_TOKEN_SUB_AND_SID_MISSING"
            case logoutTokenTooOld = "LOGOUT_TOKEN_IAT_TOO_OLD"
            case logoutTokenReplayed = "LOGOUT_TOKEN_REPLAYED"
            case malformedAccessToken = "ACCESS_TOKEN_MALFORMED"
            case accessTokenInvalidType = "ACCESS_TOKEN_TYP_INVALID"
            case accessTokenNotYetValid = "ACCESS_TOKEN_NBF_IN_FUTURE"
            case accessTokenInactive = "ACCESS_TOKEN_INACTIVE"
        }

        private let value: Internal
        private init(_ value: Internal) { self.value = value }

        /// The stable text of the code, e.g. `ID_TOKEN_AUD_MISMATCH`.
        public var rawValue: String { value.rawValue }
        public var description: String { value.rawValue }

        /// The client was configured with something it cannot use (a malformed URL, no secret for
        /// a secret-based authentication method).
        public static var invalidConfiguration: Self { .init(.invalidConfiguration) }
        /// The discovery document names another issuer than the one configured (OpenID Connect
        /// Discovery §4.3): it may be an impostor's.
        public static var discoveryIssuerMismatch: Self { .init(.discoveryIssuerMismatch) }
        /// An API's protected-resource metadata names another resource than the one asked about
        /// (RFC 9728 §3.3): it may send the client to an authorization server of an impostor's choosing.
        public static var resourceMismatch: Self { .init(.resourceMismatch) }
        /// The operation needs an endpoint the provider does not advertise.
        public static var endpointNotAdvertised: Self { .init(.endpointNotAdvertised) }
        /// The callback's query cannot be read, or repeats a parameter (RFC 6749 §3.1).
        public static var malformedCallback: Self { .init(.malformedCallback) }
        /// The callback carries no `state`.
        public static var missingState: Self { .init(.missingState) }
        /// The callback's `state` is not the one this session sent: a forged or stale callback.
        public static var stateMismatch: Self { .init(.stateMismatch) }
        /// The provider advertises RFC 9207 `iss` but the callback has none.
        public static var missingIssuerParameter: Self { .init(.missingIssuerParameter) }
        /// The callback's `iss` names another provider: a mix-up attack (RFC 9207).
        public static var issuerParameterMismatch: Self { .init(.issuerParameterMismatch) }
        /// A callback with neither `code` nor `error`.
        public static var missingCode: Self { .init(.missingCode) }
        /// A response that is not what the protocol promises: not JSON, an HTML error page,
        /// a required field missing or of the wrong type.
        public static var malformedResponse: Self { .init(.malformedResponse) }
        /// The provider did not answer within the configured timeout.
        public static var timeout: Self { .init(.timeout) }
        /// The request could not be sent or its response read.
        public static var transportFailed: Self { .init(.transportFailed) }
        /// `openid` was granted but the token response has no id_token.
        public static var missingIDToken: Self { .init(.missingIDToken) }
        /// The id_token is not a well-formed JWS with the claims OpenID Connect requires.
        public static var malformedIDToken: Self { .init(.malformedIDToken) }
        /// The id_token's `typ` names another kind of token, such as an RFC 9068 `at+jwt` access
        /// token signed with the same key: it must not be accepted as proof of a login.
        public static var invalidType: Self { .init(.invalidType) }
        /// The authorization request sent `max_age`, but the id_token has no `auth_time`.
        public static var missingAuthTime: Self { .init(.missingAuthTime) }
        /// The user's authentication (`auth_time`) is older than the `max_age` requested: the
        /// provider did not make the user log in again.
        public static var authenticationTooOld: Self { .init(.authenticationTooOld) }
        /// The id_token's `alg` is not allowed: `none`, an HMAC algorithm, or one outside the allow-list.
        public static var algorithmNotAllowed: Self { .init(.algorithmNotAllowed) }
        /// No key of the provider's JWKS fits the id_token's `kid` and `alg`, even after a refetch.
        public static var keyNotFound: Self { .init(.keyNotFound) }
        /// The id_token has no `kid` and several keys of the JWKS could have signed it.
        public static var ambiguousKey: Self { .init(.ambiguousKey) }
        /// The id_token's signature does not verify.
        public static var invalidSignature: Self { .init(.invalidSignature) }
        /// The id_token's `iss` is not the provider's issuer.
        public static var invalidIssuer: Self { .init(.invalidIssuer) }
        /// The id_token's `aud` does not contain this client.
        public static var invalidAudience: Self { .init(.invalidAudience) }
        /// The id_token's `azp` is missing (with several audiences) or is another client.
        public static var invalidAuthorizedParty: Self { .init(.invalidAuthorizedParty) }
        /// The id_token's `exp` has passed, beyond the clock-skew tolerance.
        public static var expired: Self { .init(.expired) }
        /// The id_token's `iat` lies in the future, beyond the clock-skew tolerance.
        public static var issuedInFuture: Self { .init(.issuedInFuture) }
        /// The id_token's `nonce` is missing or is not the one this session sent: a replayed token.
        public static var invalidNonce: Self { .init(.invalidNonce) }
        /// The id_token's `at_hash` does not match the access token it came with: a swapped token.
        public static var invalidAccessTokenHash: Self { .init(.invalidAccessTokenHash) }
        /// A `sub` differs from the id_token's: userinfo or a refreshed id_token is about someone else.
        public static var subjectMismatch: Self { .init(.subjectMismatch) }
        /// A refresh was asked of tokens that have no refresh token.
        public static var missingRefreshToken: Self { .init(.missingRefreshToken) }
        /// A refresh was asked with a refresh token this client already exchanged and the provider
        /// rotated: sending it again would look like theft and revoke the whole login. Use the
        /// ``TokenSet`` that the earlier refresh returned.
        public static var refreshTokenRotated: Self { .init(.refreshTokenRotated) }
        /// A back-channel logout token that is not a JWS with the claims OpenID Connect Back-Channel
        /// Logout 1.0 §2.4 requires (`iss`, `aud`, `iat`, `jti`, `events`).
        public static var malformedLogoutToken: Self { .init(.malformedLogoutToken) }
        /// A logout token whose `typ` names another kind of token (it must be `logout+jwt`, if any).
        public static var logoutTokenInvalidType: Self { .init(.logoutTokenInvalidType) }
        /// A logout token whose `events` lacks the back-channel logout event.
        public static var logoutTokenEventMissing: Self { .init(.logoutTokenEventMissing) }
        /// A logout token that carries a `nonce`: an id_token posing as one (§2.6 step 7).
        public static var logoutTokenNonceForbidden: Self { .init(.logoutTokenNonceForbidden) }
        /// A logout token naming neither `sub` nor `sid`: it says nobody to log out.
        public static var logoutTokenSubjectMissing: Self { .init(.logoutTokenSubjectMissing) }
        /// A logout token issued longer ago than the client accepts.
        public static var logoutTokenTooOld: Self { .init(.logoutTokenTooOld) }
        /// A logout token whose `jti` was seen recently: a replay.
        public static var logoutTokenReplayed: Self { .init(.logoutTokenReplayed) }
        /// An access token that is not a JWS with the claims RFC 9068 §2.2 requires (`iss`, `exp`,
        /// `aud`, `sub`), or an introspection answer about it that lacks them. The checks access
        /// tokens share with id_tokens (`alg`, key, signature, `iss`, `aud`, `exp`, `iat`) use
        /// the id_token's codes, as logout tokens do.
        public static var malformedAccessToken: Self { .init(.malformedAccessToken) }
        /// An access token whose `typ` is missing or is not `at+jwt` (RFC 9068 §4): an id_token or a
        /// logout token signed with the same keys must not open an API.
        public static var accessTokenInvalidType: Self { .init(.accessTokenInvalidType) }
        /// An access token whose `nbf` lies in the future, beyond the clock-skew tolerance.
        public static var accessTokenNotYetValid: Self { .init(.accessTokenNotYetValid) }
        /// The authorization server says the token is not active (RFC 7662 §2.2): unknown, expired,
        /// revoked, or not one this API may see — or it is a refresh token, which opens no API.
        public static var accessTokenInactive: Self { .init(.accessTokenInactive) }
    }
}

extension ClientError {
    /// `error` if it is a ``ClientError``; anything else (a cancelled fetch, a transport's own
    /// error type) as `.transportFailed`: it says nothing about the token or response being checked,
    /// so a typed-throws caller keeps one error vocabulary.
    init(wrapping error: any Error) {
        if let error = error as? ClientError {
            self = error
        } else {
            self.init(.transportFailed, "The provider could not be asked: \(String(describing: type(of: error))).")
        }
    }
}
