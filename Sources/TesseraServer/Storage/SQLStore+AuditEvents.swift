import Foundation
import SQLKit
import TesseraCore

extension SQLStore: AuditEventStore {
    public func insert(_ event: AuditEvent) async throws {
        try await engine.transaction { database in
            try await database.raw("""
                INSERT INTO audit_events (id, type, occurred_at, actor, client_id, user_id, ip_address, details)
                VALUES (\(bind: event.id), \(bind: event.type.rawValue), \(bind: event.occurredAt), \(bind: event.actor.description),
                        \(bind: event.clientID), \(bind: event.userID), \(bind: event.ipAddress), \(bind: event.detailsJSON))
                """).run()
        }
    }

    public func auditEvents(matching query: AuditEventQuery) async throws -> [AuditEvent] {
        let filter = Self.filter(query)
        let (limit, offset) = (max(0, query.perPage), max(0, query.page) * max(0, query.perPage))
        return try await engine.read { database in
            try await database.raw("""
                SELECT id, type, occurred_at, actor, client_id, user_id, ip_address, details FROM audit_events
                WHERE \(filter) ORDER BY occurred_at DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().compactMap(AuditEvent.init(row:))
        }
    }

    public func countAuditEvents(matching query: AuditEventQuery) async throws -> Int {
        let filter = Self.filter(query)
        return try await engine.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM audit_events WHERE \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    public func deleteAuditEvents(before: Int) async throws -> Int {
        try await engine.transaction { database in
            try await database.raw("DELETE FROM audit_events WHERE occurred_at < \(bind: before) RETURNING id").all().count
        }
    }

    /// The WHERE clause of `query`'s filters, every value bound.
    private static func filter(_ query: AuditEventQuery) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["1 = 1"]
        if let since = query.since { conditions.append("occurred_at >= \(bind: since)") }
        if !query.types.isEmpty { conditions.append("type IN (\(binds: query.types.map(\.rawValue)))") }
        if let userID = query.userID { conditions.append("user_id = \(bind: userID)") }
        if let clientID = query.clientID { conditions.append("client_id = \(bind: clientID)") }
        return conditions.joined(separator: " AND ")
    }
}

extension AuditEvent {
    /// A stored row; nil for a type or actor this build does not know (a newer node wrote it),
    /// which a reader skips rather than failing the whole list.
    init?(row: any SQLRow) throws {
        guard let type = AuditEventType(rawValue: try row.decode(column: "type", as: String.self)),
              let actor = AuditActor(try row.decode(column: "actor", as: String.self))
        else { return nil }
        let details = try JSONDecoder().decode([String: JSONValue].self, from: Data(try row.decode(column: "details", as: String.self).utf8))
        self.init(id: try row.decode(column: "id", as: String.self), type: type,
                  occurredAt: try row.decode(column: "occurred_at", as: Int.self), actor: actor,
                  clientID: try row.decode(column: "client_id", as: String?.self),
                  userID: try row.decode(column: "user_id", as: String?.self),
                  ipAddress: try row.decode(column: "ip_address", as: String?.self), details: details)
    }
}
