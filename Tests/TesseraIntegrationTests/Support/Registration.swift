import Foundation
import NIOHTTP1
import SQLKit
import Testing
import TesseraCore
import TesseraServer

/// A client as `POST /oauth/register` answered it (RFC 7591 §3.2.1).
struct DynamicClient: Sendable {
    let id: String
    let secret: Secret?
    let registrationAccessToken: Secret
    let registrationClientURI: String

    /// The client as the flow helpers take it.
    var registered: TestServer.RegisteredClient { TestServer.RegisteredClient(id: id, secret: secret) }
}

/// Dynamic client registration (RFC 7591) and its management (RFC 7592), over HTTP.
extension ProviderUnderTest {
    /// `POST /oauth/register` with `metadata` as JSON (or `rawBody` as given), an optional bearer token.
    func register(_ metadata: [String: Any] = [:], rawBody: String? = nil, contentType: String = "application/json",
                  bearer: Secret? = nil, headers: [(String, String)] = []) async throws -> HTTPResult {
        let body = try rawBody ?? String(decoding: JSONSerialization.data(withJSONObject: metadata), as: UTF8.self)
        var all = headers + [("Content-Type", contentType)]
        if let bearer { all.append(("Authorization", "Bearer \(bearer.unredacted)")) }
        let result = try await send(.POST, url("/oauth/register"), headers: all, body: body)
        for name in ["client_secret", "registration_access_token"] {
            if let value = result.json[name] as? String { ledger.record(Secret(value)) }
        }
        return result
    }

    /// Registers `metadata` (a loopback native redirect URI by default), expecting 201.
    func registerClient(_ metadata: [String: Any] = [:], bearer: Secret? = nil, headers: [(String, String)] = [],
                        sourceLocation: SourceLocation = #_sourceLocation) async throws -> DynamicClient {
        let defaults: [String: Any] = ["client_name": "Dynamic App", "redirect_uris": [TestServer.redirectURI]]
        let result = try await register(defaults.merging(metadata) { $1 }, bearer: bearer, headers: headers)
        #expect(result.status == 201, "registration: \(result.status) \(result.body)", sourceLocation: sourceLocation)
        return DynamicClient(
            id: try #require(result.json["client_id"] as? String, sourceLocation: sourceLocation),
            secret: (result.json["client_secret"] as? String).map(Secret.init),
            registrationAccessToken: Secret(try #require(result.json["registration_access_token"] as? String, sourceLocation: sourceLocation)),
            registrationClientURI: try #require(result.json["registration_client_uri"] as? String, sourceLocation: sourceLocation))
    }

    /// An RFC 7592 call on `uri` with an optional registration access token and JSON body.
    func manage(_ method: HTTPMethod, _ uri: String, token: Secret?, body: [String: Any]? = nil) async throws -> HTTPResult {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token.unredacted)")) }
        var text: String?
        if let body {
            headers.append(("Content-Type", "application/json"))
            text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        }
        return try await send(method, uri, headers: headers, body: text)
    }
}

extension HTTPResult {
    /// Expects an RFC 7591 §3.2.2 refusal: 400, the code, a human description, never cached.
    func expectRegistrationError(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 400, "status \(status): \(body)", sourceLocation: sourceLocation)
        #expect(oauthError == code, "\(body)", sourceLocation: sourceLocation)
        #expect((json["error_description"] as? String)?.isEmpty == false, "no error_description: \(body)", sourceLocation: sourceLocation)
        #expect(header("Cache-Control") == "no-store", sourceLocation: sourceLocation)
    }

    /// Expects RFC 6750 §3's 401 `invalid_token` with its Bearer challenge.
    func expectInvalidToken(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 401, "status \(status): \(body)", sourceLocation: sourceLocation)
        #expect(oauthError == "invalid_token", "\(body)", sourceLocation: sourceLocation)
        let challenge = header("WWW-Authenticate") ?? ""
        #expect(challenge.hasPrefix("Bearer ") && challenge.contains(#"error="invalid_token""#), "challenge: \(challenge)",
                sourceLocation: sourceLocation)
    }
}

extension TestServer {
    /// A server taking registrations in `mode`.
    static func registering<Result>(_ engine: TestEngine, mode: RegistrationMode = .open,
                                    configure: @escaping (inout ProviderConfiguration) -> Void = { _ in },
                                    _ body: (TestServer) async throws -> Result) async throws -> Result {
        try await with(engine, configure: {
            $0.registration.mode = mode
            // Tests register many clients from one address; the throttle's own test lowers this.
            $0.registration.perAddressPerMinute = 1_000
            configure(&$0)
        }, body)
    }

    /// How many clients the database holds: a refused registration must leave it unchanged.
    func clientCount() async throws -> Int {
        try await provider.store.engine.read { database in
            try await database.raw("SELECT COUNT(*) AS n FROM clients").first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }
}
