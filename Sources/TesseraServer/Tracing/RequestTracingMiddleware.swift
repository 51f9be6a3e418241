import HTTPTypes
public import Hummingbird
import NIOCore

/// A span per request, named by its route template (`/oauth/token`, `/oauth/register/{client_id}`),
/// continuing the trace of an incoming W3C `traceparent` header through the bootstrapped instrument.
///
/// Hummingbird's `TracingMiddleware` does the work, but it records the query string as `url.query`,
/// and a query carries authorization codes, `state`, `login_hint` and `id_token_hint`. So it is
/// shown the request without its query (and without its body, which it never reads); the handler
/// still gets the request as it came. It records no header (none of `Authorization`, `Cookie`,
/// `DPoP`), as configured.
///
/// ```swift
/// router.add(middleware: RequestTracingMiddleware())
/// ```
public struct RequestTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tracing = TracingMiddleware<Context>(recordingHeaders: [HTTPField.Name](), redactingQueryParameters: [])

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var head = request.head
        head.path = request.uri.path
        let shown = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        return try await tracing.handle(shown, context: context) { _, context in
            try await next(request, context)
        }
    }
}
