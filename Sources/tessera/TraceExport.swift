import ArgumentParser
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// OpenTelemetry traces for `tessera serve`, exported over OTLP only when the environment asks.
///
/// swift-otel reads the standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT`,
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_SERVICE_NAME`,
/// `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`, `OTEL_EXPORTER_OTLP_HEADERS`…); this decides only whether
/// to start it at all. Off by default: a server nobody asked to export traces opens no connection
/// and retries nothing in the background. Logs and metrics stay where they are (stderr and
/// `/metrics`): only traces go to the collector.
enum TraceExport {
    /// Logged once the exporter is set up (the tests look for it).
    static let startedMessage = "OpenTelemetry trace export on"

    /// Whether `environment` asks for traces: it names an OTLP endpoint or a traces exporter, and
    /// neither disables the SDK (`OTEL_SDK_DISABLED=true`) nor sets `OTEL_TRACES_EXPORTER=none`.
    static func isRequested(by environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if let exporter = environment["OTEL_TRACES_EXPORTER"], !exporter.isEmpty {
            return exporter.lowercased() != "none"
        }
        return ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains { !(environment[$0] ?? "").isEmpty }
    }

    /// Bootstraps the process's tracer with swift-otel's and returns the service that batches and
    /// exports its spans (run it beside the server, so a graceful shutdown flushes them); nil,
    /// and nothing bootstrapped, when the environment does not ask for traces.
    static func start(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (any Service)? {
        guard isRequested(by: environment) else { return nil }
        // swift-otel is built with its OTLP/HTTP exporter only, and stops the process (fatalError)
        // when asked for gRPC: refuse it here as the configuration mistake it is.
        let protocolName = environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? environment["OTEL_EXPORTER_OTLP_PROTOCOL"]
        if protocolName?.lowercased() == "grpc" {
            throw ValidationError("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf (the default) or http/json")
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "tessera"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        logger.info("\(startedMessage): spans go where the OTEL_* environment says")
        return backend.service
    }
}
