import Foundation
public import Logging
import TesseraCore

/// Keeps the audit trail: each event goes to the database (for `tessera events list`, the
/// management API's `/logs`, and every other node) and, as one JSON line at `info`, to the log
/// on the label `tessera.audit` (for whatever ships logs).
///
/// Recording never throws: by the time an event is recorded its action has happened, and a client
/// must not see an error for a write it cannot fix. A store failure is the server's fault, so it is
/// logged at `error`, with the event's line, which the log still carries.
public struct AuditLog: Sendable {
    let store: any AuditEventStore
    let clock: WallClock
    let logger: Logger

    public init(store: any AuditEventStore, clock: WallClock, logger: Logger = Logger(label: "tessera.audit")) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Stamps `event` with an id and the time, stores it, and logs it; returns it as stored.
    @discardableResult
    public func record(_ event: AuditEvent) async -> AuditEvent {
        var event = event
        event.id = Self.newID()
        event.occurredAt = clock.now()
        let line = event.jsonLine
        logger.info("\(line)")
        do {
            try await store.insert(event)
        } catch {
            logger.error("audit event not stored", metadata: [
                "audit.event_id": .string(event.id), "audit.type": .string(event.type.rawValue),
                "error.type": .string(String(describing: type(of: error))),
            ])
        }
        return event
    }

    /// `evt_`, the microseconds since 1970 in 14 hex digits (so ids sort by time within a node),
    /// and 8 random letters and digits (so nodes never collide).
    static func newID(now: Date = Date()) -> String {
        let micros = UInt64(max(0, now.timeIntervalSince1970 * 1_000_000))
        let hex = String(micros, radix: 16)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
        return "evt_" + String(repeating: "0", count: max(0, 14 - hex.count)) + hex + suffix
    }
}

extension AuditEvent {
    /// The event as one JSON object, as logged and as `tessera events list --json` prints it.
    public var jsonLine: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("audit_event", id)
        writer.member("type", type.rawValue)
        writer.member("occurred_at", occurredAt)
        writer.member("actor", actor.description)
        writer.member("client_id", clientID)
        writer.member("user_id", userID)
        writer.member("ip", ipAddress)
        try? writer.member("details", .object(encodableDetails))
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// `details` as JSON, stored and logged alike; `{}` when a member is a non-finite number, the
    /// one value JSON cannot carry (details hold strings, counts and flags, so only a bug gets here).
    var detailsJSON: String {
        var writer = JSONWriter()
        try? writer.value(.object(encodableDetails))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private var encodableDetails: [String: JSONValue] {
        var probe = JSONWriter()
        return (try? probe.value(.object(details))) == nil ? [:] : details
    }
}
