public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TesseraCore

/// ``HTTPTransport`` over AsyncHTTPClient: no redirects followed, a deadline on the whole
/// exchange, a cap on how much of a response is read, and the caller's trace context sent along
/// (W3C `traceparent`, through the bootstrapped instrument).
///
/// ```swift
/// let transport = AsyncHTTPClientTransport()                       // a shared client, made once
/// let transport = AsyncHTTPClientTransport(client: myHTTPClient)   // or the app's own
/// ```
public struct AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    private let maxResponseBytes: Int

    /// - Parameters:
    ///   - client: the HTTP client to use; by default one shared by every transport, which never
    ///     follows redirects and is never shut down. An app's own client should disallow redirects too.
    ///   - maxResponseBytes: responses larger than this are refused as malformed (1 MiB by default:
    ///     discovery documents and JWKS are a few KiB).
    public init(client: HTTPClient? = nil, maxResponseBytes: Int = 1 << 20) {
        self.client = client ?? sharedNoRedirectClient
        self.maxResponseBytes = maxResponseBytes
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = request.method == .post ? .POST : .GET
        for (name, value) in request.headers {
            outgoing.headers.add(name: name, value: value)
        }
        if let authorization = request.authorization {
            outgoing.headers.add(name: "Authorization", value: authorization.unredacted)
        }
        TraceContextHeaders.inject(into: &outgoing.headers)
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(string: body.unredacted))
        }
        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Self.nanoseconds(request.timeout))
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            return TransportResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(buffer: body))
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            throw ClientError(.timeout, "\(request) did not complete within \(request.timeout).")
        } catch is NIOTooManyBytesError {
            throw ClientError(.malformedResponse, "The response to \(request) is larger than \(maxResponseBytes) bytes.")
        } catch {
            throw ClientError(.transportFailed, "\(request) failed: \(String(describing: type(of: error))) \(error)")
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The client behind the default transport: module-level, so it lives as long as the process and
/// is never deinitialised un-shut-down.
private let sharedNoRedirectClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    // The transport propagates the trace context itself; AsyncHTTPClient's own client spans
    // would record each request's full URL and query.
    configuration.tracing.tracer = nil
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()
