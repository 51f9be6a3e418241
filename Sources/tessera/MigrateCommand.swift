import ArgumentParser
import TesseraServer

/// `tessera migrate`: brings the schema up to date and does nothing else — for a deploy step that
/// migrates once before the nodes roll. `serve` migrates on start too, under the same lock, so
/// running both at once is safe.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the database migrations, and nothing else.")

    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let applied = try await options.withStore { try await $0.migrate() }
        let database = try options.databaseURL()
        if applied.isEmpty {
            print("\(database): the schema is up to date")
        } else {
            print("\(database): applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
