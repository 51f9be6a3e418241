public import TesseraCore

/// One thing that happened, kept for the operator: who, what, to which client and user, from where.
///
/// `details` says what happened in a few fields (a grant type, a scope, an audience, the names of
/// changed fields). It never holds a token, code, password, secret or hash of one: an audit trail
/// is read by more people than the database, and must not be a way in.
public struct AuditEvent: Sendable, Equatable {
    /// `evt_` and a time-ordered random suffix; set by ``AuditLog/record(_:)``.
    public var id: String
    public var type: AuditEventType
    /// Unix seconds; set by ``AuditLog/record(_:)`` from the provider's clock.
    public var occurredAt: Int
    public var actor: AuditActor
    public var clientID: String?
    public var userID: String?
    /// The client address the request came from (after trusted proxies), when there was a request.
    public var ipAddress: String?
    public var details: [String: JSONValue]

    /// An event to hand to ``AuditLog/record(_:)``, which stamps its id and time.
    public init(type: AuditEventType, actor: AuditActor, clientID: String? = nil, userID: String? = nil,
                ipAddress: String? = nil, details: [String: JSONValue] = [:]) {
        self.init(id: "", type: type, occurredAt: 0, actor: actor, clientID: clientID, userID: userID,
                  ipAddress: ipAddress, details: details)
    }

    /// An event as stored.
    public init(id: String, type: AuditEventType, occurredAt: Int, actor: AuditActor, clientID: String?, userID: String?,
                ipAddress: String?, details: [String: JSONValue]) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.actor = actor
        self.clientID = clientID
        self.userID = userID
        self.ipAddress = ipAddress
        self.details = details
    }
}

/// Which stored events to read: newest first, filtered, a page at a time.
public struct AuditEventQuery: Sendable, Equatable {
    /// Only events at or after this Unix second.
    public var since: Int?
    /// Only these types; empty means every type.
    public var types: [AuditEventType]
    public var userID: String?
    public var clientID: String?
    /// 0-based, as Auth0's `page`.
    public var page: Int
    public var perPage: Int

    public init(since: Int? = nil, types: [AuditEventType] = [], userID: String? = nil, clientID: String? = nil,
                page: Int = 0, perPage: Int = 50) {
        self.since = since
        self.types = types
        self.userID = userID
        self.clientID = clientID
        self.page = page
        self.perPage = perPage
    }
}

/// Where audit events are kept: the provider's database, so every node writes and reads one trail.
public protocol AuditEventStore: Sendable {
    func insert(_ event: AuditEvent) async throws
    /// The events `query` selects, newest first.
    func auditEvents(matching query: AuditEventQuery) async throws -> [AuditEvent]
    /// How many events `query` selects, ignoring its page.
    func countAuditEvents(matching query: AuditEventQuery) async throws -> Int
    /// Deletes the events older than `before` (Unix seconds); returns how many.
    func deleteAuditEvents(before: Int) async throws -> Int
}
