import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus

// The entry point keeps the command-line contract: help on stdout with exit 0; any error as one
// line on stderr with a non-zero exit, and nothing written before the input was checked.
// Logs go to stderr, so stdout carries only what a command prints (`clients add --json`).
LoggingSystem.bootstrap(StreamLogHandler.standardError)
// Metrics go to the default Prometheus registry, which `GET /metrics` serves.
MetricsSystem.bootstrap(PrometheusMetricsFactory())

do {
    var command = try TesseraCommand.parseAsRoot()
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.runAsync()
    } else {
        try command.run()
    }
} catch {
    let code = TesseraCommand.exitCode(for: error)
    if code == .success {
        print(TesseraCommand.fullMessage(for: error))
        exit(0)
    }
    let message = TesseraCommand.message(for: error)
        .split(separator: "\n").first.map(String.init)?
        .replacingOccurrences(of: "Error: ", with: "") ?? "unknown error"
    FileHandle.standardError.write(Data("tessera: error: \(message)\n".utf8))
    exit(code.rawValue == 0 ? 1 : code.rawValue)
}

extension AsyncParsableCommand {
    /// Calls the command's async `run()`: on an existential, a plain `run()` can resolve to the
    /// synchronous requirement of `ParsableCommand` and print the help instead.
    mutating func runAsync() async throws {
        try await run()
    }
}
