/// How a provider behaves: its issuer and the lifetimes of what it hands out.
///
/// Defaults follow Auth0 where the seed is silent: 24-hour access tokens (the seed's
/// `"expires_in": 86400`), 10-hour id_tokens, refresh tokens for 30 days. Codes live 60 seconds
/// (the seed says "typically 10 minutes", the maximum allowed here; shorter is safer).
public struct ProviderConfiguration: Sendable {
    /// The issuer URL: scheme, host, optional port and path, no trailing slash.
    public var issuer: String
    public var codeLifetime: Int = 60
    public var accessTokenLifetime: Int = 86_400
    public var idTokenLifetime: Int = 36_000
    public var refreshTokenLifetime: Int = 30 * 86_400
    public var sessionLifetime: Int = 7 * 86_400
    /// How long a just-rotated refresh token still refreshes (once its successor is unused), so two
    /// concurrent refreshes by one client do not log the user out. 0, the default, turns it off,
    /// as Auth0 and Hydra default.
    public var refreshGraceSeconds: Int = 0
    /// Rotate every algorithm's signing key once it has signed for this many days (nil: only by
    /// `tessera keys rotate`).
    public var keyRotationDays: Int?
    /// What signs tokens: the system's libcrypto when it loads, else swift-crypto.
    public var signingBackend: SigningBackend = .preferred
    /// When failed logins start to wait.
    public var loginThrottle = LoginThrottlePolicy()
    /// bcrypt cost for user passwords; tests lower it, production keeps 10 or more.
    public var bcryptCost: UInt8 = 10
    /// bcrypt hashes computed at once (nil: one per core) and how many more may wait for one;
    /// a login beyond that is answered 429 "busy" (see ``PasswordHasher``).
    public var concurrentPasswordChecks: Int?
    public var queuedPasswordChecks: Int = 32
    /// The proxies (a load balancer, a TLS terminator) whose `Forwarded` / `X-Forwarded-For`
    /// headers say which client a request came from; from anyone else those headers are ignored
    /// and the connection's peer is the client. None by default.
    public var trustedProxies: [CIDR] = []
    /// The largest request body read; larger ones get 413.
    public var maxBodyBytes: Int = 64 * 1024
    /// How often a running node re-reads the signing keys: the bound on how long after a rotation
    /// anywhere this node still signs with the old key. Tests shorten it; keep the default.
    public var keyReloadInterval: Duration = KeyRing.reloadInterval
    /// How often a running node deletes expired codes, tokens and sessions (nodes are not
    /// coordinated; each round is short batches that tolerate another node's).
    public var collectionInterval: Duration = .seconds(600)
    /// How many days audit events are kept: the background collection (and `tessera gc`) deletes
    /// older ones. Auth0 keeps its logs for a while too; 90 days answers "who logged in last month".
    public var auditRetentionDays: Int = ProviderConfiguration.defaultAuditRetentionDays
    /// How logout tokens are delivered to clients' back-channel logout URIs.
    public var backchannelLogout = BackchannelLogoutPolicy()
    /// How long client authentication trusts a client record it read, when no change was heard
    /// (``CachedClientStore``): the bound on how late a change made by another SQLite process is seen.
    public var clientCacheLifetime: Duration = CachedClientStore.defaultLifetime
    /// RFC 7591 dynamic client registration: off unless `serve --registration open|token`.
    public var registration = RegistrationPolicy()
    /// DPoP (RFC 9449): the proof window and whether server nonces are required.
    public var dpop = DPoPSettings()

    /// ``auditRetentionDays`` unless configured, and the range `--audit-retention-days` accepts.
    public static let defaultAuditRetentionDays = 90
    public static let auditRetentionDaysRange = 1...3650

    /// The longest a code may live: the seed's "typically expires in 10 minutes".
    public static let maximumCodeLifetime = 600

    public init(issuer: String) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    }

    /// Cookies carry `Secure` when the issuer is served over HTTPS (also behind a TLS-terminating proxy).
    public var secureCookies: Bool { issuer.hasPrefix("https://") }

    /// The absolute URL of an endpoint path such as `/oauth/token`.
    public func url(_ path: String) -> String { issuer + path }

    /// How long a retired signing key stays in the JWKS: as long as anything it signed may live.
    public var keyRetention: Int { max(idTokenLifetime, accessTokenLifetime) }
}
