import Foundation
import Synchronization
import TesseraClient
import TesseraCore

/// A transport that answers from a table of handlers and records every request, for tests of the
/// client's rules without a network.
final class FakeTransport: HTTPTransport {
    typealias Handler = @Sendable (TransportRequest) async throws -> TransportResponse

    private let handlers = Mutex<[String: Handler]>([:])
    private let log = Mutex<[TransportRequest]>([])

    /// Answers requests whose URL (without query) is `url`.
    func on(_ url: String, _ handler: @escaping Handler) {
        handlers.withLock { $0[url] = handler }
    }

    /// Answers `url` with a fixed JSON body.
    func on(_ url: String, status: Int = 200, json: String, headers: [(name: String, value: String)] = []) {
        on(url) { _ in
            TransportResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
        }
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        log.withLock { $0.append(request) }
        var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        components?.query = nil
        guard let key = components?.string, let handler = handlers.withLock({ $0[key] }) else {
            return TransportResponse(status: 404, body: Array("no handler for \(request.url)".utf8))
        }
        return try await handler(request)
    }

    var requests: [TransportRequest] { log.withLock { $0 } }

    func requests(to url: String) -> [TransportRequest] {
        requests.filter { $0.url.absoluteString.hasPrefix(url) }
    }
}

extension TransportResponse {
    static func json(_ text: String, status: Int = 200) -> TransportResponse {
        TransportResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_760_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var read: @Sendable () -> Date { { self.now } }
}

/// A count shared between a handler and the test.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// Adds one and returns the new count.
    @discardableResult
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }

    var count: Int { value.withLock { $0 } }
}
