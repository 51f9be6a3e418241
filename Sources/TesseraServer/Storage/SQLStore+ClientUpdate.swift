import SQLKit

extension SQLStore {
    /// Writes the settings `update` names, in one UPDATE; false (and nothing written) when there
    /// is no such client. An empty update only checks that the client exists.
    func updateClient(id clientID: String, _ update: ClientUpdate) async throws -> Bool {
        var assignments: [SQLQueryString] = ["id = id"]
        switch update.backchannelLogout {
        case .on(let uri, let sessionRequired)?:
            assignments.append("backchannel_logout_uri = \(bind: uri)")
            assignments.append("backchannel_logout_session_required = \(bind: sessionRequired ? 1 : 0)")
        case .off?:
            assignments.append("backchannel_logout_uri = NULL, backchannel_logout_session_required = 1")
        case nil: break
        }
        if let required = update.requiresPushedAuthorization {
            assignments.append("require_pushed_authorization = \(bind: required ? 1 : 0)")
        }
        if let required = update.requiresDPoP {
            assignments.append("require_dpop = \(bind: required ? 1 : 0)")
        }
        let set = assignments.joined(separator: ", ")
        // Marked changed however the transaction ends: a cached record must never outlive a write.
        defer { clientChanges.changed() }
        return try await engine.transaction { database in
            try await database.raw("UPDATE clients SET \(set) WHERE id = \(bind: clientID) RETURNING id").first() != nil
        }
    }
}
