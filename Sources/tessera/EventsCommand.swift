import ArgumentParser
import Foundation
import TesseraServer

/// `tessera events list`: the audit log — who logged in, from where, what was issued, what was
/// refused, who changed what — newest first, read from the database every node writes to.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Read the audit log.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List audit events, newest first: a table, or one JSON object per line with --json.")

        @Option(help: ArgumentHelp("Only events at or after this time: ISO 8601 (2026-11-30T12:00:00Z, 2026-11-30) or Unix seconds.",
                                   valueName: "time"))
        var since: String?

        @Option(name: .customLong("type"), help: ArgumentHelp("Only events of this type, such as login.failed (repeatable).", valueName: "type"))
        var types: [String] = []

        @Option(help: ArgumentHelp("Only events about this user: an email or a user id.", valueName: "email-or-id"))
        var user: String?

        @Option(help: ArgumentHelp("Only events about this client.", valueName: "client-id"))
        var client: String?

        @Option(help: ArgumentHelp("At most this many events (1–\(Self.maximumLimit)).", valueName: "n"))
        var limit = 50

        @Flag(help: "Print one JSON object per event and line, as the audit log line on the 'tessera.audit' logger.")
        var json = false

        @OptionGroup var options: DatabaseOptions

        static let maximumLimit = 1_000

        mutating func validate() throws {
            guard (1...Self.maximumLimit).contains(limit) else {
                throw ValidationError("--limit must be between 1 and \(Self.maximumLimit)")
            }
            _ = try sinceSeconds()
            _ = try eventTypes()
            if let user, user.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--user must not be empty") }
            if let client, client.isEmpty { throw ValidationError("--client must not be empty") }
        }

        func run() async throws {
            let (since, types, user, client, limit) = (try sinceSeconds(), try eventTypes(), self.user, self.client, self.limit)
            let events = try await options.withStore { store in
                try await store.migrate()
                var userID: String?
                if let user { userID = try await Self.userID(for: user, in: store) }
                return try await store.auditEvents(matching: AuditEventQuery(since: since, types: types, userID: userID, clientID: client, perPage: limit))
            }
            if json {
                for event in events { print(event.jsonLine) }
            } else {
                print(EventTable(events: events).text, terminator: "")
            }
        }

        /// `--since` as Unix seconds: digits are seconds; otherwise an ISO 8601 date-time (with an
        /// offset or `Z`, fractional seconds allowed) or a calendar date (its midnight, UTC).
        func sinceSeconds() throws -> Int? {
            guard let since else { return nil }
            if !since.isEmpty, since.allSatisfy(\.isASCII), since.allSatisfy(\.isNumber), let seconds = Int(since) { return seconds }
            let formats: [ISO8601DateFormatter.Options] = [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]]
            for options in formats {
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = options
                if let date = formatter.date(from: since) { return Int(date.timeIntervalSince1970.rounded(.down)) }
            }
            throw ValidationError("--since: '\(since.prefix(64))' is neither Unix seconds nor an ISO 8601 time such as 2026-11-30T12:00:00Z")
        }

        /// `--type` values as event types; an unknown one is refused with the list of valid ones.
        func eventTypes() throws -> [AuditEventType] {
            try types.map { text in
                guard let type = AuditEventType(rawValue: text) else {
                    throw ValidationError("--type: '\(text.prefix(64))' is not an event type; valid types: "
                                          + AuditEventType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return type
            }
        }

        /// The user id `--user` names: an email is looked up (an unknown one is refused); anything
        /// else is taken as an id, so a deleted user's events can still be listed.
        static func userID(for value: String, in store: SQLStore) async throws -> String {
            guard value.contains("@") else { return value }
            guard let user = try await store.user(email: value) else {
                throw ValidationError("--user: no user with the email \(User.normalizedEmail(value)) (give the user id to list a deleted user's events)")
            }
            return user.id
        }
    }
}

/// The events as the default table: time (UTC), type, actor, client, user, ip, columns aligned.
struct EventTable {
    let events: [AuditEvent]

    var text: String {
        let header = ["TIME", "TYPE", "ACTOR", "CLIENT", "USER", "IP"]
        let rows = [header] + events.map { event in
            [Self.time(event.occurredAt), event.type.rawValue, event.actor.description,
             event.clientID ?? "-", event.userID ?? "-", event.ipAddress ?? "-"]
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }.joined()
    }

    static func time(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
