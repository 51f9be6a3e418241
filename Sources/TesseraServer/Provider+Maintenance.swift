import TesseraCore

/// The background work of ``Provider/services`` that the audit log sees: the scheduled key
/// rotation and the collection of expired rows, audit events past their retention among them.
extension Provider {
    /// One round of the collection every node runs: expired codes, tokens and sessions, and audit
    /// events older than ``ProviderConfiguration/auditRetentionDays``.
    ///
    /// ```swift
    /// let removed = try await provider.collectExpired()
    /// logger.info("\(removed)")
    /// ```
    public func collectExpired() async throws -> CollectedRows {
        try await store.collectExpired(at: clock.now(), auditRetentionDays: configuration.auditRetentionDays)
    }

    /// The rotation `--key-rotation-days` schedules: every algorithm whose key has signed longer
    /// than `maximumAge` seconds, each recorded as `signing_keys.rotated` by the system — only by
    /// the node that rotated it, when several check at once.
    func rotateKeysIfDue(maximumAge: Int) async throws {
        let rotated = try await keyRing.rotateIfDue(maximumAge: maximumAge, now: clock.now())
        for (algorithm, kid) in rotated.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            await audit.record(AuditEvent(type: .signingKeysRotated, actor: .system, clientID: nil, userID: nil, ipAddress: nil,
                                          details: ["alg": .string(algorithm.rawValue), "kid": .string(kid)]))
        }
    }
}
