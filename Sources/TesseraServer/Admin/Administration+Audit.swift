public import TesseraCore

/// The audit side of the administration layer: each change records one event after it succeeded,
/// and the trail is read back a page at a time (`tessera events list`, `GET /api/v2/logs`).
extension Administration {
    /// Stored events `query` selects, newest first, with how many there are in all.
    /// - Throws: ``RegistrationError/invalid(_:)`` for a page or page size out of range.
    public func auditEvents(_ query: AuditEventQuery) async throws -> ResultPage<AuditEvent> {
        let request = try PageRequest(page: query.page, perPage: query.perPage)
        let events = try await store.auditEvents(matching: query)
        return ResultPage(items: events, request: request, total: try await store.countAuditEvents(matching: query))
    }

    /// Records that `type` happened, made by this administration's actor. Called after the change
    /// is written; `details` name what changed (fields, scopes, ids) and never a secret or hash.
    func record(_ type: AuditEventType, clientID: String? = nil, userID: String? = nil, details: [String: JSONValue] = [:]) async {
        await audit.record(AuditEvent(type: type, actor: actor, clientID: clientID, userID: userID, ipAddress: ipAddress, details: details))
    }

    /// A list of strings as one detail.
    static func strings(_ values: [String]) -> JSONValue {
        .array(values.map(JSONValue.string))
    }

    /// The claims a profile change sets or removes, sorted.
    static func claimNames(of change: ProfileChange) -> [String] {
        Set(change.assigned.keys).union(change.removed).sorted()
    }
}
