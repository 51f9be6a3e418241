import Foundation
import Logging
import Metrics
import Prometheus
import Synchronization

/// Every log line the process writes during the tests, at every level down to trace, so a test
/// can prove that no secret it used ever reached a log.
enum LogCapture {
    private static let lines = Mutex<[String]>([])

    /// Installs the capturing handler once per test process, and metrics on the default
    /// Prometheus registry as `tessera serve` does.
    static let installed: Void = {
        LoggingSystem.bootstrap { label in CapturingHandler(label: label) }
        MetricsSystem.bootstrap(PrometheusMetricsFactory())
    }()

    static var text: String {
        lines.withLock { $0.joined(separator: "\n") }
    }

    /// The lines logged on `label` (`info tessera.audit: …`).
    static func linesLogged(on label: String) -> [String] {
        lines.withLock { $0.filter { $0.contains(" \(label): ") } }
    }

    fileprivate static func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// The secrets of `candidates` that appear anywhere in what was logged.
    static func leaked(_ candidates: [String]) -> [String] {
        let all = text
        return candidates.filter { !$0.isEmpty && all.contains($0) }
    }
}

private struct CapturingHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        LogCapture.append("\(event.level) \(label): \(event.message) \(fields) \(event.error.map { "\($0)" } ?? "")")
    }
}
