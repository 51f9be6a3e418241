import TesseraServer
// TEMPORARY until helper admin lands administration(actor:) and auditEvents(_:).
extension Provider {
    func administration(actor: AuditActor) -> Administration { administration }
}
extension ManagementHandler {
    func auditPage(_ admin: Administration, _ query: AuditEventQuery) async throws -> ResultPage<AuditEvent> {
        let request = try PageRequest(page: query.page, perPage: query.perPage)
        return ResultPage(items: try await provider.store.auditEvents(matching: query), request: request,
                          total: try await provider.store.countAuditEvents(matching: query))
    }
}
extension AuditEventType {
    var auth0Code: String { "sapi" }
}
