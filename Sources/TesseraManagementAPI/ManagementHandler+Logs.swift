import Foundation
import OpenAPIRuntime
import TesseraCore
import TesseraServer

/// `/logs`: the audit events, newest first, in Auth0's log shape: `type` is Auth0's code where
/// Auth0 has one (Tessera's type otherwise), `tessera_type` always Tessera's.
extension ManagementHandler {
    func getLogs(_ input: Operations.GetLogs.Input) async throws -> Operations.GetLogs.Output {
        await perform("read:logs", refused: Operations.GetLogs.Output.default) { admin in
            let request = try pageRequest(page: input.query.page, perPage: input.query.perPage)
            let query = AuditEventQuery(
                since: try input.query.since.map(Self.unixTime(since:)), types: try input.query._type.map(Self.eventTypes(named:)) ?? [],
                userID: input.query.userId, clientID: input.query.clientId, page: request.page, perPage: request.perPage)
            let page = try await admin.auditEvents(query).map(Components.Schemas.LogEvent.init)
            guard input.query.includeTotals == true else { return .ok(.init(body: .json(.case1(page.items)))) }
            let totals = Pagination(page)
            return .ok(.init(body: .json(.LogPage(.init(start: totals.start, limit: totals.limit, length: totals.length,
                                                         total: totals.total, logs: page.items)))))
        }
    }

    /// `since`: an RFC 3339 time (`2026-11-30T12:00:00Z`) or Unix seconds.
    static func unixTime(since: String) throws(RegistrationError) -> Int {
        if let seconds = Int(since) { return seconds }
        guard let date = try? Date(since, strategy: .iso8601) else {
            throw .invalid("since must be an RFC 3339 time (2026-11-30T12:00:00Z) or Unix seconds")
        }
        return Int(date.timeIntervalSince1970)
    }

    /// `type`: Tessera's event types (`client.created`), comma-separated. (Auth0's codes are not a
    /// filter: one code, `sapi`, stands for every administrative change.)
    static func eventTypes(named names: String) throws(RegistrationError) -> [AuditEventType] {
        var types: [AuditEventType] = []
        for name in names.split(separator: ",") {
            guard let type = AuditEventType(rawValue: String(name)) else {
                throw .invalid("'\(name)' is not an event type (client.created, login.failed, …)")
            }
            types.append(type)
        }
        return types
    }
}

extension Components.Schemas.LogEvent {
    init(_ event: AuditEvent) throws {
        self.init(
            logId: event.id, date: Date(timeIntervalSince1970: TimeInterval(event.occurredAt)),
            _type: event.auth0Code ?? event.type.rawValue, tesseraType: event.type.rawValue, actor: event.actor.description,
            clientId: event.clientID, userId: event.userID, ip: event.ipAddress,
            details: event.details.isEmpty ? nil : .init(additionalProperties: try JSONDecoder().decode(OpenAPIObjectContainer.self, from: JSONEncoder().encode(event.details))))
    }
}
