public import Hummingbird
import HTTPTypes
import Foundation
import Logging

/// Logs one line per request: method, path, status and duration.
///
/// Never the query string (an authorization response's code, a misused token request's secret),
/// never a header, never a body: a log line can show nothing secret because it is given nothing.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "ms": .string(String(format: "%.2f", milliseconds)),
            ]
        )
        return response
    }
}
