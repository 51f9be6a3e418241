import ArgumentParser
import TesseraServer

/// `tessera gc`: deletes expired codes, tokens and login sessions, and audit events past their
/// retention, now. Every `serve` node also does this in the background; this is for a cron job,
/// or a database no node serves.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gc",
                                                    abstract: "Delete expired codes, tokens and login sessions, and audit events past their retention.")

    @OptionGroup var options: DatabaseOptions

    @OptionGroup var audit: AuditRetentionOption

    func run() async throws {
        let retention = audit.auditRetentionDays
        let removed = try await options.withStore { store in
            try await store.migrate()
            return try await store.collectExpired(at: WallClock.system.now(), auditRetentionDays: retention)
        }
        print(removed)
    }
}
