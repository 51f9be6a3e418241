public import TesseraCore

/// What a user consented to give a third-party client (OpenID Connect Core §3.1.2.4): the scopes,
/// for one API or for none. A later request these scopes cover skips the consent page.
public struct Consent: Sendable, Equatable {
    public var userID: String
    public var clientID: String
    /// The API the scopes' permissions belong to; nil for identity scopes alone.
    public var audience: String?
    public var scope: Scope
    public var createdAt: Int
    public var updatedAt: Int

    public init(userID: String, clientID: String, audience: String?, scope: Scope, createdAt: Int, updatedAt: Int) {
        self.userID = userID
        self.clientID = clientID
        self.audience = audience
        self.scope = scope
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
