import Foundation
import NIOHTTP1
import Testing
import TesseraCore

/// `tessera serve` exporting its traces over OTLP/HTTP when the standard `OTEL_*` variables ask,
/// to a collector faked in the test — and exporting nothing when they do not.
@Suite("OTLP trace export")
struct TraceExportTests {
    @Test("with OTEL_EXPORTER_OTLP_ENDPOINT, tessera serve exports its spans over OTLP/HTTP, continuing an incoming traceparent, with no secret in them")
    func exportsToTheCollector() async throws {
        try await FakeOTLPCollector.with { collector in
            try await withTemporaryDirectory { directory in
                let database = "sqlite://\(directory.path)/tessera.sqlite"
                let ledger = SecretLedger()
                let machine = try await Self.machineClient(database: database, ledger: ledger)
                let server = try await ServeProcess(arguments: ["--database", database], environment: [
                    "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                    "OTEL_SERVICE_NAME": "tessera-under-test", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ])
                defer { server.kill() }
                let traceID = (0..<16).map { _ in UInt8.random(in: 0...255) }
                let traceparent = "00-\(Self.hex(traceID))-00f067aa0ba902b7-01"
                let form = formBody([("grant_type", "client_credentials"), ("audience", "https://api.example.com/v1")])
                let response = try await send(.POST, server.baseURL + "/oauth/token", headers: [
                    basicAuthorization(id: machine.id, secret: try #require(machine.secret)), form.header, ("traceparent", traceparent),
                ], body: form.body)
                #expect(response.status == 200)
                ledger.record((response.json["access_token"] as? String).map { Secret($0) })
                let state = Secret.random()
                ledger.record(state)
                _ = try await send(.GET, server.baseURL + "/authorize?response_type=code&client_id=\(machine.id)&state=\(state.unredacted)")

                #expect(server.text.contains("OpenTelemetry trace export on"))
                #expect(await server.terminate() == 0, "a graceful shutdown flushes the last spans")
                let exported = collector.received.joined(separator: "\n")
                #expect(!collector.received.isEmpty, "the collector received nothing:\n\(server.text)")
                #expect(exported.contains("tessera-under-test"), "OTEL_SERVICE_NAME names the service")
                #expect(exported.contains("\"/oauth/token\""))
                #expect(exported.contains("\"jws.sign\""))
                #expect(exported.contains("db.system.name"))
                #expect(exported.contains(Data(traceID).base64EncodedString()) || exported.contains(Self.hex(traceID)),
                        "the token request's spans continue the caller's trace")
                #expect(ledger.all.count == 3)
                for secret in ledger.all {
                    #expect(!exported.contains(secret), "a secret reached the collector")
                }
                #expect(!exported.contains("Basic "))
                #expect(!exported.contains("url.query"))
            }
        }
    }

    @Test("without OTEL_* variables, or with OTEL_SDK_DISABLED=true, tessera serve starts no exporter and sends nothing",
          arguments: [[:], ["OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "COLLECTOR"], ["OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "COLLECTOR"]])
    func offByDefault(environment: [String: String]) async throws {
        try await FakeOTLPCollector.with { collector in
            try await withTemporaryDirectory { directory in
                let server = try await ServeProcess(arguments: ["--database", "sqlite://\(directory.path)/tessera.sqlite"],
                                                    environment: environment.mapValues { $0 == "COLLECTOR" ? collector.endpoint : $0 }
                                                        .merging(["OTEL_BSP_SCHEDULE_DELAY": "100"]) { $1 })
                defer { server.kill() }
                #expect(try await send(.GET, server.baseURL + "/.well-known/openid-configuration").status == 200)
                #expect(await server.terminate() == 0)
                #expect(collector.received.isEmpty)
                #expect(!server.text.contains("OpenTelemetry trace export on"), "no exporter was set up:\n\(server.text)")
            }
        }
    }

    @Test("OTEL_EXPORTER_OTLP_PROTOCOL=grpc (not built in) is refused with one line on stderr, before anything is opened")
    func grpcRefused() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await TesseraBinary.run(["serve", "--database", "sqlite://\(directory.path)/tessera.sqlite"], environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            ])
            output.expectRefusal("grpc")
            #expect(output.stderr.contains("http/protobuf"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("tessera.sqlite").path))
        }
    }

    /// A machine client granted an API, made with the CLI; its secret goes to `ledger`.
    private static func machineClient(database: String, ledger: SecretLedger) async throws -> TestServer.RegisteredClient {
        let machine = try await TesseraBinary.addClient(["--name", "Cron", "--grant-type", "client_credentials"], database: database)
        ledger.record(machine.secret)
        #expect(try await TesseraBinary.run(["apis", "add", "--identifier", "https://api.example.com/v1", "--name", "Orders",
                                             "--scope", "read:orders", "--database", database]).status == 0)
        #expect(try await TesseraBinary.run(["grants", "add", "--client", machine.id, "--api", "https://api.example.com/v1",
                                             "--scope", "read:orders", "--database", database]).status == 0)
        return machine
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
