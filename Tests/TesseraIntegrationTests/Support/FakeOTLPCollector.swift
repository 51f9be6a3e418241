import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// An OTLP/HTTP collector on a loopback port that keeps every export `tessera serve` sends to
/// `POST /v1/traces`, answering as a collector does (`200`, an empty JSON export response).
final class FakeOTLPCollector: Sendable {
    let port: Int
    private let application: RunningApplication
    private let exports: Exports

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The bodies received, as text (OTLP/HTTP JSON).
    var received: [String] { exports.storage.withLock { $0 } }

    private init(port: Int, application: RunningApplication, exports: Exports) {
        self.port = port
        self.application = application
        self.exports = exports
    }

    /// Runs `body` with a collector listening, stopping it afterwards.
    static func with<Result>(_ body: (FakeOTLPCollector) async throws -> Result) async throws -> Result {
        let received = Exports()
        let (port, application) = try await RunningApplication.onFreePort { port in
            let router = Router()
            router.post("/v1/traces") { request, _ -> Response in
                let bytes = try await request.body.collect(upTo: 16 << 20)
                received.append(String(buffer: bytes))
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
            let logger = Logger(label: "tessera.test.collector")
            return (port, try await RunningApplication.start(logger: logger) { onRunning in
                Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                            onServerRunning: { _ in onRunning() }, logger: logger)
            })
        }
        let collector = FakeOTLPCollector(port: port, application: application, exports: received)
        return try await using(collector, stop: { await $0.application.stop() }, body)
    }

}

/// Where the collector's route appends (a class, so the route's closure and the collector share it).
private final class Exports: Sendable {
    let storage = Mutex<[String]>([])
    func append(_ text: String) { storage.withLock { $0.append(text) } }
}
