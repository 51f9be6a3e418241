/// What happened, as an operator asks it: "who logged in, what was issued, what was refused, who
/// changed what". The raw value is what the database, the JSON log line and `tessera events list
/// --type` carry; it never changes once released.
public enum AuditEventType: String, CaseIterable, Sendable, Codable {
    case loginSucceeded = "login.succeeded"
    case loginFailed = "login.failed"
    /// A login refused before its password was checked, because the account or address is blocked.
    case loginThrottled = "login.throttled"
    case consentGiven = "consent.given"
    case consentRevoked = "consent.revoked"
    /// Any grant answered with tokens (authorization_code, refresh_token, client_credentials).
    case tokensIssued = "tokens.issued"
    /// A rotated refresh token came back: the whole family was revoked (RFC 9700 §4.14.2).
    case refreshTokenReused = "refresh_token.reused"
    case tokenRevoked = "token.revoked"
    case logout = "logout"
    case signingKeysRotated = "signing_keys.rotated"
    case clientCreated = "client.created"
    case clientUpdated = "client.updated"
    case clientDeleted = "client.deleted"
    case clientSecretRotated = "client.secret_rotated"
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case userDeleted = "user.deleted"
    case apiCreated = "api.created"
    case apiUpdated = "api.updated"
    case apiDeleted = "api.deleted"
    case clientGrantCreated = "client_grant.created"
    case clientGrantUpdated = "client_grant.updated"
    case clientGrantDeleted = "client_grant.deleted"

    /// Whether an administrator's change (CLI or management API) rather than a login or token event.
    public var isAdministrativeChange: Bool {
        switch self {
        case .loginSucceeded, .loginFailed, .loginThrottled, .consentGiven, .tokensIssued, .refreshTokenReused, .tokenRevoked, .logout:
            false
        case .consentRevoked, .signingKeysRotated, .clientCreated, .clientUpdated, .clientDeleted, .clientSecretRotated,
             .userCreated, .userUpdated, .userDeleted, .apiCreated, .apiUpdated, .apiDeleted,
             .clientGrantCreated, .clientGrantUpdated, .clientGrantDeleted:
            true
        }
    }
}
