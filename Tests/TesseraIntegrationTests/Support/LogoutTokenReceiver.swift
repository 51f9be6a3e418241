import Foundation
import Hummingbird
import JWTKit
import Logging
import NIOHTTP1
import Synchronization
import Testing
import TesseraCore

/// A client's back-channel logout endpoint (`POST /backchannel-logout`), in-process on a loopback
/// port: records every `logout_token` posted to it and answers `status`.
struct LogoutTokenReceiver: Sendable {
    let url: String
    private let received: Received
    private let application: RunningApplication

    private final class Received: Sendable {
        let tokens = Mutex<[String]>([])
    }

    /// Starts on `port` (a free one by default), answering every POST with `status`.
    static func start(port: Int? = nil, status: HTTPResponse.Status = .ok) async throws -> LogoutTokenReceiver {
        if let port { return try await start(port: port, status: status) as LogoutTokenReceiver }
        return try await RunningApplication.onFreePort { try await start(port: $0, status: status) as LogoutTokenReceiver }
    }

    private static func start(port: Int, status: HTTPResponse.Status) async throws -> LogoutTokenReceiver {
        let received = Received()
        let router = Router()
        router.post("/backchannel-logout") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 65_536)
            let fields = FormURLEncoding.decode(String(buffer: body)) ?? []
            received.tokens.withLock { $0 += fields.filter { $0.name == "logout_token" }.map(\.value) }
            return Response(status: status)
        }
        var logger = Logger(label: "tessera.test.receiver")
        logger.logLevel = .warning
        let application = try await RunningApplication.start(logger: logger) { onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                        onServerRunning: { _ in onRunning() }, logger: logger)
        }
        return LogoutTokenReceiver(url: "http://127.0.0.1:\(port)/backchannel-logout", received: received, application: application)
    }

    var tokens: [String] { received.tokens.withLock { $0 } }

    /// The tokens received once there are at least `count`, polling until a generous deadline
    /// (no timing is asserted: the deadline only stops a broken build from hanging).
    func waitForTokens(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        try await eventually("\(count) logout token(s) delivered", sourceLocation: sourceLocation) { tokens.count >= count }
        return tokens
    }

    func stop() async { await application.stop() }
}

/// Polls `condition` until it holds, failing the test after a minute.
func eventually(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting for: \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// The claims of a logout token as a test reads them back (Back-Channel Logout 1.0 §2.4).
struct ReceivedLogoutToken: JWTPayload {
    var iss: String
    var aud: String
    var iat: Int
    var exp: Int?
    var jti: String
    var sub: String?
    var sid: String?
    var events: [String: [String: String]]
    var nonce: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension ProviderUnderTest {
    /// Verifies a logout token against the server's JWKS; returns its claims and header.
    func verifyLogoutToken(_ token: String) async throws -> (claims: ReceivedLogoutToken, header: [String: Any]) {
        try await verifyJWT(token, as: ReceivedLogoutToken.self)
    }
}
