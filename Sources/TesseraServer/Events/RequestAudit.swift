import HTTPTypes
import Hummingbird
import TesseraCore

/// The audit log as the provider's endpoints record to it: every event stamped with the address
/// of the client that sent the request, as ``ClientAddressResolver`` finds it (the peer, or what a
/// trusted proxy says), so no endpoint works the address out on its own.
struct EndpointAudit: Sendable {
    let log: AuditLog
    let clientAddress: ClientAddressResolver

    /// The recorder of one request.
    func request(_ request: Request, context: ProviderRequestContext) -> RequestAudit {
        RequestAudit(log: log, ipAddress: clientAddress.clientAddress(peer: context.peerAddress, headers: request.headers)?.description)
    }
}

/// Records the events of one request, all from its client's address. Called once the action
/// happened (the refusals recorded — a failed login, a reused refresh token — are the action);
/// recording never fails the request (``AuditLog/record(_:)``).
struct RequestAudit: Sendable {
    let log: AuditLog
    let ipAddress: String?

    func record(_ type: AuditEventType, actor: AuditActor, clientID: String?, userID: String?,
                details: [String: JSONValue] = [:]) async {
        await log.record(AuditEvent(type: type, actor: actor, clientID: clientID, userID: userID, ipAddress: ipAddress, details: details))
    }
}
