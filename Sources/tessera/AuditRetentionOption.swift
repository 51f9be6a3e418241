import ArgumentParser
import TesseraServer

/// `--audit-retention-days`, shared by `serve` (its background collection) and `gc`, so both
/// accept and refuse the same values.
struct AuditRetentionOption: ParsableArguments {
    @Option(name: .customLong("audit-retention-days"),
            help: ArgumentHelp("Delete audit events older than this many days (\(ProviderConfiguration.auditRetentionDaysRange.lowerBound)–\(ProviderConfiguration.auditRetentionDaysRange.upperBound)).",
                               valueName: "days"))
    var auditRetentionDays = ProviderConfiguration.defaultAuditRetentionDays

    mutating func validate() throws {
        let range = ProviderConfiguration.auditRetentionDaysRange
        guard range.contains(auditRetentionDays) else {
            throw ValidationError("--audit-retention-days must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }
}
