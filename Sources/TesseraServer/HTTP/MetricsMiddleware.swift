import Foundation
public import Hummingbird
import Metrics

/// Counts and times every request by endpoint, method and status, for `/metrics`.
///
/// The endpoint label is the route pattern (`/oauth/token`), or Hummingbird's `NotFound` — never the raw
/// path, which a client controls: labels stay few, and never carry anything a client sent.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One request series: the route pattern, the method and the status.
    private struct Series: Hashable, Sendable {
        let endpoint: String
        let method: String
        let status: Int
    }

    private let requests = MetricHandles<Series, Counter> {
        Counter(label: "tessera_http_requests_total",
                dimensions: [("endpoint", $0.endpoint), ("method", $0.method), ("status", String($0.status))])
    }
    /// Timed per route and method only (the status is not a dimension of the histogram).
    private let durations = MetricHandles<Series, Metrics.Timer> {
        Timer(label: "tessera_http_request_duration_seconds", dimensions: [("endpoint", $0.endpoint), ("method", $0.method)])
    }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, start: start)
            throw error
        }
        record(request, context: context, status: response.status.code, start: start)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, start: UInt64) {
        let endpoint = context.endpointPath ?? "unmatched"
        requests(Series(endpoint: endpoint, method: request.method.rawValue, status: status)).increment()
        durations(Series(endpoint: endpoint, method: request.method.rawValue, status: 0))
            .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}

/// What the token endpoint counts: tokens issued by grant type, refusals by error code.
enum TokenMetrics {
    private static let issuedCounters = MetricHandles<String, Counter> {
        Counter(label: "tessera_tokens_issued_total", dimensions: [("grant_type", $0)])
    }
    private static let errorCounters = MetricHandles<String, Counter> {
        Counter(label: "tessera_token_errors_total", dimensions: [("error", $0)])
    }

    static func issued(_ grantType: String) {
        issuedCounters(grantType).increment()
    }

    static func refused(_ code: String) {
        errorCounters(code).increment()
    }
}
