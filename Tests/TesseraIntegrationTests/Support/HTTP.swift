import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TesseraCore

/// One HTTP client for all tests: real sockets, no redirect following (tests look at each hop),
/// trusting the test certificate authority for the HTTPS tests.
let testHTTPClient: HTTPClient = {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.additionalTrustRoots = [.file(TestCertificates.files.caPath)]
    var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
    configuration.redirectConfiguration = .disallow
    // The attack tests send tens of requests to one server at once: each gets its own connection
    // (the default eight per host would queue the rest, and under a loaded CI machine a request
    // queued past the ten-second connect timeout failed with `getConnectionFromPoolTimeout`).
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
    configuration.timeout.connect = .seconds(30)
    // No client spans and no injected `traceparent`, whenever the process's tracer is bootstrapped:
    // a test that means to send a trace context sets the header itself (see TraceCapture).
    configuration.tracing.tracer = nil
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()

/// A response, read whole.
struct HTTPResult: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: String

    func header(_ name: String) -> String? { headers.first(name: name) }
    var location: String? { header("Location") }

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }

    /// The `error` of an OAuth error body.
    var oauthError: String? { json["error"] as? String }

    /// The query parameters of the Location header.
    var locationQuery: [String: String] {
        guard let location, let query = URLComponents(string: location)?.percentEncodedQuery,
              let pairs = FormURLEncoding.decode(query) else { return [:] }
        return Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Sends one request and reads the whole response.
func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await testHTTPClient.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 4 * 1024 * 1024)
    return HTTPResult(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
}

/// A form body's Content-Type and text.
func formBody(_ pairs: [(String, String)]) -> (header: (String, String), body: String) {
    (("Content-Type", "application/x-www-form-urlencoded"), FormURLEncoding.encode(pairs.map { (name: $0.0, value: $0.1) }))
}

/// `Authorization: Basic` for a client, with RFC 6749 §2.3.1's form-encoding before base64.
func basicAuthorization(id: String, secret: Secret) -> (String, String) {
    let credentials = "\(FormURLEncoding.escape(id)):\(FormURLEncoding.escape(secret.unredacted))"
    return ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString())
}

/// Undoes the HTML escaping of an attribute value.
func htmlUnescape(_ text: String) -> String {
    text.replacingOccurrences(of: "&quot;", with: "\"")
        .replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&lt;", with: "<")
        .replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&amp;", with: "&")
}
