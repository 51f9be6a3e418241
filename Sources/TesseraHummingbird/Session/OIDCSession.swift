public import Foundation
public import TesseraClient
public import TesseraCore

/// What the app keeps server-side for one browser, behind the opaque id in its session cookie:
/// the logins it has started and not finished, and once one finishes, its tokens.
///
/// It holds real secrets — the PKCE verifier, the nonce, the refresh token, the DPoP private
/// key — so it lives only in
/// an ``OIDCSessionStore``, never in a cookie. Printing it shows none of them (each is a ``Secret``);
/// its `Codable` form, for stores that serialise, holds them all.
///
/// ```swift
/// if let session = try await store.load(idHash: SecretHash(of: id).hex, now: Date()) {
///     print(session.tokens?.idTokenClaims?.email ?? "not logged in")
/// }
/// ```
public struct OIDCSession: Sendable, Codable, Equatable {
    /// The tokens of the finished login; `nil` while the browser is still on its way to the provider.
    public var tokens: TokenSet?
    /// Logins started in this browser (one per tab, the oldest dropped beyond the configured
    /// maximum) waiting for their callback.
    public var pendingLogins: [PendingLogin]
    /// When the store may forget the session, whatever happens to its tokens.
    public var expiresAt: Date
    /// The DPoP key (RFC 9449) this login's tokens are bound to, when the client uses DPoP: made
    /// for this login alone, kept here server-side (never in the cookie), and used for its
    /// refreshes and API calls (``OIDCSessionContext/client``).
    public var dpopKey: DPoPKey?

    public init(tokens: TokenSet? = nil, pendingLogins: [PendingLogin] = [], expiresAt: Date, dpopKey: DPoPKey? = nil) {
        self.tokens = tokens
        self.pendingLogins = pendingLogins
        self.expiresAt = expiresAt
        self.dpopKey = dpopKey
    }

    /// Whether the session has outlived its lifetime at `now`.
    public func isExpired(at now: Date) -> Bool { expiresAt <= now }

    enum CodingKeys: String, CodingKey {
        case tokens
        case pendingLogins = "pending_logins"
        case expiresAt = "expires_at"
        case dpopKey = "dpop_key"
    }
}

/// One login on its way through the provider: the client's ``PendingAuthorization`` (state,
/// nonce, PKCE verifier) and the same-site path to go back to once it is done.
public struct PendingLogin: Sendable, Codable, Equatable {
    public var authorization: PendingAuthorization
    /// A relative path on this site, already checked (never an absolute URL: no open redirect).
    public var returnTo: String
    /// The DPoP key made for this login when the client uses DPoP: it proves the code exchange,
    /// and then moves into the ``OIDCSession`` with the tokens bound to it.
    public var dpopKey: DPoPKey?

    public init(authorization: PendingAuthorization, returnTo: String, dpopKey: DPoPKey? = nil) {
        self.authorization = authorization
        self.returnTo = returnTo
        self.dpopKey = dpopKey
    }

    enum CodingKeys: String, CodingKey {
        case authorization
        case returnTo = "return_to"
        case dpopKey = "dpop_key"
    }
}

extension OIDCSession {
    /// Takes out the pending login whose `state` is `state`, compared in constant time with each.
    /// A login's state is good for one callback: taken once, a replay finds nothing.
    mutating func takePendingLogin(state: Secret) -> PendingLogin? {
        guard let index = pendingLogins.firstIndex(where: { $0.authorization.state == state }) else { return nil }
        return pendingLogins.remove(at: index)
    }

    /// Adds a started login, keeping only the newest `limit`.
    mutating func addPendingLogin(_ login: PendingLogin, limit: Int) {
        pendingLogins.append(login)
        if pendingLogins.count > limit {
            pendingLogins.removeFirst(pendingLogins.count - limit)
        }
    }

    /// Drops started logins older than `timeout` at `now`: their codes are long expired anyway.
    mutating func dropPendingLogins(olderThan timeout: Duration, now: Date) {
        pendingLogins.removeAll { $0.authorization.createdAt.addingTimeInterval(timeout.timeInterval) <= now }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
