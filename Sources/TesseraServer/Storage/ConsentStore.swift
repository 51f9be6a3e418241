public import TesseraCore

/// The users' consents to third-party clients, remembered per user, client and API.
public protocol ConsentStore: Sendable {
    /// What `userID` consented to give `clientID` for `audience` (nil: no API), if anything.
    func consent(userID: String, clientID: String, audience: String?) async throws -> Consent?
    /// Remembers `consent`, replacing the scopes of an earlier one for the same user, client and
    /// API (whose creation time is kept).
    func remember(_ consent: Consent) async throws
    /// Every consent `userID` has given, by client and API.
    func consents(userID: String) async throws -> [Consent]
    /// Forgets every consent `userID` gave `clientID` and, in the same transaction, revokes the
    /// client's grants for the user (their refresh and access tokens stop working; a client with
    /// a back-channel logout URI is told). False, and nothing changed, when there was no consent.
    func revokeConsent(userID: String, clientID: String, at now: Int) async throws -> Bool
}
