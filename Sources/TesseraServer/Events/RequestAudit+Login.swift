import TesseraCore

/// The browser's events: logging in, consenting, logging out. A login attempt is recorded with
/// the email tried (normalised, as the lookup saw it) — an email is not a secret, a password is —
/// and the account's id when the email names one, as Auth0's logs name the user. A refused
/// attempt is not attributed to the account's owner (anyone can type an email): its actor is the
/// application whose login page it was.
extension RequestAudit {
    /// `login.succeeded`: `user` logged in at `clientID`'s request (Auth0's `s`).
    func loginSucceeded(_ user: User, clientID: String) async {
        await record(.loginSucceeded, actor: .user(id: user.id), clientID: clientID, userID: user.id,
                     details: Self.attempted(user.email))
    }

    /// `login.failed`: a wrong email or password (Auth0's `f`); `userID` when the email is an account's.
    func loginFailed(email: String, userID: String?, clientID: String) async {
        await record(.loginFailed, actor: .client(id: clientID), clientID: clientID, userID: userID, details: Self.attempted(email))
    }

    /// `login.throttled`: the attempt was not checked; the browser was told to wait `retryAfter`
    /// seconds (Auth0's `limit_wc`). Recorded for the first attempt of a block only (see
    /// ``ThrottledLoginRecords``).
    func loginThrottled(email: String, userID: String?, retryAfter: Int, clientID: String) async {
        var details = Self.attempted(email)
        details["retry_after"] = .number(Double(retryAfter))
        await record(.loginThrottled, actor: .client(id: clientID), clientID: clientID, userID: userID, details: details)
    }

    /// `consent.given`: `userID` allowed `clientID` `scope` (for `audience`) on the consent page.
    func consentGiven(userID: String, clientID: String, scope: Scope, audience: String?) async {
        var details: [String: JSONValue] = ["scope": .string(scope.description)]
        if let audience { details["audience"] = .string(audience) }
        await record(.consentGiven, actor: .user(id: userID), clientID: clientID, userID: userID, details: details)
    }

    /// `logout`: `userID`'s login session ended (Auth0's `slo`), on the relying party's
    /// `id_token_hint` or the user's confirmation (`/v2/logout` always asks for the latter).
    func loggedOut(userID: String, clientID: String?, byHint: Bool) async {
        await record(.logout, actor: .user(id: userID), clientID: clientID, userID: userID,
                     details: ["confirmed_by": .string(byHint ? "id_token_hint" : "user")])
    }

    /// The attempted email as a detail — only when it looks like an address. A password typed
    /// into the email field by mistake (a classic leak of login logs) is not recorded.
    static func attempted(_ email: String) -> [String: JSONValue] {
        let looksLikeAddress = email.count <= 254 && email.split(separator: "@", omittingEmptySubsequences: false).count == 2
            && !email.hasPrefix("@") && !email.hasSuffix("@") && !email.contains(where: \.isWhitespace)
        return looksLikeAddress ? ["email": .string(email)] : [:]
    }
}
