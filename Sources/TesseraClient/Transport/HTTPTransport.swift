public import Foundation
public import TesseraCore

/// The one thing the relying party asks of the network: send a request, return the whole response.
///
/// Every rule of the client lives in pure functions on either side of this call, so tests swap in
/// a fake transport (or wrap the real one to count requests) and need no network. The default,
/// ``AsyncHTTPClientTransport``, never follows redirects: a token endpoint that redirects is
/// misconfigured or hostile, and following would replay the client's credentials elsewhere.
///
/// ```swift
/// struct CountingTransport: HTTPTransport {
///     let base: any HTTPTransport
///     let counter: Counter
///     func send(_ request: TransportRequest) async throws -> TransportResponse {
///         await counter.increment(request.url)
///         return try await base.send(request)
///     }
/// }
/// ```
public protocol HTTPTransport: Sendable {
    /// Sends `request` and reads its response whole, within `request.timeout`.
    /// - Throws: preferably a ``ClientError`` (`.timeout`, `.transportFailed`); anything else is
    ///   wrapped as `.transportFailed` by the client.
    func send(_ request: TransportRequest) async throws -> TransportResponse
}

/// An HTTP request as the client builds it. The parts that can carry a secret — the
/// `Authorization` header and the body — are ``Secret``s, and the request prints as its method and
/// URL only, so logging one leaks nothing.
public struct TransportRequest: Sendable, CustomStringConvertible, CustomReflectable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    public var url: URL
    /// Headers that carry no secret (`Accept`, `Content-Type`).
    public var headers: [(name: String, value: String)]
    /// The `Authorization` header's value: `Basic …` client credentials or a `Bearer` token.
    public var authorization: Secret?
    /// The body, already encoded (form or JSON): it holds codes, secrets and tokens.
    public var body: Secret?
    /// How long the whole exchange may take.
    public var timeout: Duration

    public init(method: Method, url: URL, headers: [(name: String, value: String)] = [],
                authorization: Secret? = nil, body: Secret? = nil, timeout: Duration = .seconds(10)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.authorization = authorization
        self.body = body
        self.timeout = timeout
    }

    /// The value of a (non-secret) header, compared case-insensitively.
    public func header(_ name: String) -> String? { firstHeader(name, in: headers) }

    public var description: String { "\(method.rawValue) \(url.absoluteString)" }
    public var customMirror: Mirror { Mirror(self, children: ["method": method, "url": url]) }
}

/// A response, read whole. Prints as its status only: a token response's body is full of tokens.
public struct TransportResponse: Sendable, CustomStringConvertible, CustomReflectable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? { firstHeader(name, in: headers) }

    public var description: String { "HTTP \(status)" }
    public var customMirror: Mirror { Mirror(self, children: ["status": status]) }
}

/// The first value of the header `name` (HTTP field names are case-insensitive).
private func firstHeader(_ name: String, in headers: [(name: String, value: String)]) -> String? {
    headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
}
