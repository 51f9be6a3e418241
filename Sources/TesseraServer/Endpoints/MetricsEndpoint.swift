import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics`: the Prometheus text format of everything recorded through swift-metrics,
/// once the process has bootstrapped `MetricsSystem` with a `PrometheusMetricsFactory` on the
/// default registry (`tessera serve` does).
struct MetricsEndpoint: Sendable {
    func respond(to request: Request, context: some RequestContext) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: PrometheusMetricsFactory.defaultRegistry.emitToBuffer()))
        )
    }
}
