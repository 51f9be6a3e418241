public import Hummingbird
import HTTPTypes
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
        // Built only when `info` is emitted (swift-log takes metadata as an autoclosure).
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .string(String(response.status.code)),
                "ms": .string(Self.milliseconds(elapsed)),
            ]
        )
        return response
    }

    /// `elapsed` in milliseconds with two decimals ("12.34"), without `String(format:)`, which
    /// goes through Foundation's formatter on every request line.
    static func milliseconds(_ elapsed: Duration) -> String {
        let (seconds, attoseconds) = elapsed.components
        let hundredths = seconds * 100_000 + (attoseconds + 5_000_000_000_000) / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
