import SQLKit

/// How many expired rows one collection removed, by table.
public struct CollectedRows: Sendable, Equatable, CustomStringConvertible {
    public var accessTokens: Int
    public var refreshTokens: Int
    public var grants: Int
    public var sessions: Int
    public var loginFailures: Int
    public var pushedRequests: Int
    /// Initial access tokens of dynamic client registration (RFC 7591 §3) past their expiry.
    public var initialAccessTokens: Int
    /// Replay records of DPoP proofs (RFC 9449 §11.1) whose `iat` left the acceptance window.
    public var dpopProofs: Int
    /// Audit events older than the retention (``ProviderConfiguration/auditRetentionDays``).
    public var auditEvents: Int

    public init(accessTokens: Int = 0, refreshTokens: Int = 0, grants: Int = 0, sessions: Int = 0, loginFailures: Int = 0,
                pushedRequests: Int = 0, initialAccessTokens: Int = 0, dpopProofs: Int = 0, auditEvents: Int = 0) {
        self.accessTokens = accessTokens
        self.refreshTokens = refreshTokens
        self.grants = grants
        self.sessions = sessions
        self.loginFailures = loginFailures
        self.pushedRequests = pushedRequests
        self.initialAccessTokens = initialAccessTokens
        self.dpopProofs = dpopProofs
        self.auditEvents = auditEvents
    }

    public var total: Int {
        accessTokens + refreshTokens + grants + sessions + loginFailures + pushedRequests + initialAccessTokens + dpopProofs + auditEvents
    }

    public var description: String {
        "\(total) expired rows removed (\(accessTokens) access tokens, \(refreshTokens) refresh tokens, "
            + "\(grants) grants and codes, \(sessions) login sessions, \(loginFailures) login-failure counts, "
            + "\(pushedRequests) pushed authorization requests, \(initialAccessTokens) initial access tokens, "
            + "\(dpopProofs) DPoP proof replay records, \(auditEvents) audit events past their retention)"
    }
}

extension SQLStore {
    /// One kind of expired row: the table, its key, and where the count goes.
    private struct Collectable: Sendable {
        let table: String
        let key: String
        let count: any WritableKeyPath<CollectedRows, Int> & Sendable
    }

    /// Tokens first, so that a grant's own delete (which cascades to what is left under it) stays
    /// small; a grant lives as long as its longest-lived token.
    private static let collectables: [Collectable] = [
        Collectable(table: "access_tokens", key: "token_hash", count: \.accessTokens),
        Collectable(table: "refresh_tokens", key: "token_hash", count: \.refreshTokens),
        Collectable(table: "grants", key: "id", count: \.grants),
        Collectable(table: "login_sessions", key: "id_hash", count: \.sessions),
        Collectable(table: "pushed_requests", key: "reference_hash", count: \.pushedRequests),
        Collectable(table: "registration_tokens", key: "token_hash", count: \.initialAccessTokens),
        Collectable(table: "dpop_proofs", key: "replay_key", count: \.dpopProofs),
    ]

    /// Deletes what expired before `now` — tokens, grants (with their codes), login sessions and pushed requests,
    /// and audit events that occurred more than `auditRetentionDays` days before it —
    /// in short transactions of at most `batchSize` rows, each found through its `expires_at`
    /// index, so that writers on the hot path wait on no long lock. (The outer `expires_at`
    /// condition, redundant in logic, lets PostgreSQL scan that index rather than the table.)
    ///
    /// Safe from several nodes at once: a row another node deleted first is simply not counted, and
    /// a batch that fails (a deadlock PostgreSQL broke, say) is tried again.
    ///
    /// ```swift
    /// let removed = try await store.collectExpired(at: clock.now())
    /// logger.info("\(removed)")
    /// ```
    public func collectExpired(at now: Int, auditRetentionDays: Int = ProviderConfiguration.defaultAuditRetentionDays,
                               batchSize: Int = 500) async throws -> CollectedRows {
        var collected = CollectedRows()
        for collectable in Self.collectables {
            while true {
                let removed = try await deleteBatch(of: collectable, expiredBefore: now, limit: batchSize)
                collected[keyPath: collectable.count] += removed
                if removed < batchSize { break }
            }
        }
        collected.loginFailures = try await forgetLoginFailures(before: now - LoginThrottlePolicy().memory, at: now)
        collected.auditEvents = try await deleteAuditEvents(before: now - auditRetentionDays * 86_400)
        return collected
    }

    /// Failure counts nobody added to within the throttle's memory and no longer blocking anyone.
    private func forgetLoginFailures(before cutoff: Int, at now: Int) async throws -> Int {
        try await engine.transaction { database in
            try await database.raw("""
                DELETE FROM login_failures WHERE last_failure_at < \(bind: cutoff) AND blocked_until < \(bind: now) RETURNING throttle_key
                """).all().count
        }
    }

    private func deleteBatch(of collectable: Collectable, expiredBefore now: Int, limit: Int, attempts: Int = 3) async throws -> Int {
        let (table, key) = (collectable.table, collectable.key)
        var attempt = 1
        while true {
            do {
                return try await engine.transaction { database in
                    try await database.raw("""
                        DELETE FROM \(ident: table) WHERE expires_at < \(bind: now) AND \(ident: key) IN (
                            SELECT \(ident: key) FROM \(ident: table) WHERE expires_at < \(bind: now) ORDER BY expires_at LIMIT \(bind: limit))
                        RETURNING \(ident: key)
                        """).all().count
                }
            } catch where attempt < attempts {
                attempt += 1
            }
        }
    }
}
