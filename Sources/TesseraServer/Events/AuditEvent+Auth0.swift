import TesseraCore

extension AuditEvent {
    /// Auth0's log event type code for this event (its `type` in `/api/v2/logs`), so tools written
    /// for Auth0's logs read Tessera's; nil where Auth0 logs no such event.
    public var auth0Code: String? {
        switch type {
        case .loginSucceeded: "s"
        case .loginFailed: "f"
        case .loginThrottled: "limit_wc"
        case .tokensIssued:
            switch details["grant_type"]?.string {
            case "authorization_code": "seacft"
            case "refresh_token": "sertft"
            case "client_credentials": "seccft"
            default: nil
            }
        case .refreshTokenReused: "ferrt"
        case .tokenRevoked: "srrt"
        case .logout: "slo"
        case .consentGiven: nil
        case .userDeleted: "du"
        case .consentRevoked, .signingKeysRotated, .clientCreated, .clientUpdated, .clientDeleted, .clientSecretRotated,
             .userCreated, .userUpdated, .apiCreated, .apiUpdated, .apiDeleted,
             .clientGrantCreated, .clientGrantUpdated, .clientGrantDeleted:
            "sapi"
        }
    }
}
