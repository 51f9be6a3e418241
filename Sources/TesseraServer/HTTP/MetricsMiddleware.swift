import Foundation
public import Hummingbird
import Metrics

/// Counts and times every request by endpoint, method and status, for `/metrics`.
///
/// The endpoint label is the route pattern (`/oauth/token`), or Hummingbird's `NotFound` — never the raw
/// path, which a client controls: labels stay few, and never carry anything a client sent.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
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
        let dimensions = [
            ("endpoint", context.endpointPath ?? "unmatched"),
            ("method", request.method.rawValue),
            ("status", String(status)),
        ]
        Counter(label: "tessera_http_requests_total", dimensions: dimensions).increment()
        Timer(label: "tessera_http_request_duration_seconds", dimensions: Array(dimensions.prefix(2)))
            .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}

/// What the token endpoint counts: tokens issued by grant type, refusals by error code.
enum TokenMetrics {
    static func issued(_ grantType: String) {
        Counter(label: "tessera_tokens_issued_total", dimensions: [("grant_type", grantType)]).increment()
    }

    static func refused(_ code: String) {
        Counter(label: "tessera_token_errors_total", dimensions: [("error", code)]).increment()
    }
}
