import Foundation
import Testing
import TesseraCore

/// Request objects are not supported, and the provider says so (OpenID Connect Core §3.1.2.6,
/// §6): the conformance module `oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported`
/// and its `request_uri` twin accept exactly these errors.
@Suite("Request objects: request_not_supported and request_uri_not_supported")
struct RequestObjectTests {
    @Test("oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: request → request_not_supported, sent to the client", arguments: TestEngine.all)
    func requestParameter(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            // An unsigned request object (alg none) carrying the same parameters.
            let header = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8))
            let payload = Base64URL.encode(Data(#"{"client_id":"\#(client.id)","response_type":"code","scope":"openid"}"#.utf8))
            let response = try await Browser().get(server.authorizeURL(client: client, state: "ro", extra: [("request", "\(header).\(payload).")]))
            #expect(response.status == 302)
            #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true)
            #expect(response.locationQuery["error"] == "request_not_supported")
            #expect(response.locationQuery["error_description"]?.isEmpty == false)
            #expect(response.locationQuery["state"] == "ro")
            #expect(response.locationQuery["iss"] == server.baseURL)
            #expect(response.locationQuery["code"] == nil)
        }
    }

    @Test("OIDC Core §3.1.2.6: request_uri → request_uri_not_supported, sent to the client", arguments: TestEngine.all)
    func requestURIParameter(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await Browser().get(server.authorizeURL(client: client, state: "ru",
                                                                       extra: [("request_uri", "https://client.example/request.jwt")]))
            #expect(response.status == 302)
            #expect(response.locationQuery["error"] == "request_uri_not_supported")
            #expect(response.locationQuery["state"] == "ru")
            #expect(response.locationQuery["code"] == nil)
        }
    }

    @Test("OIDC Core §3.1.2.6: a request object for an unknown client is not redirected", arguments: TestEngine.all)
    func untrustedClient(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let response = try await Browser().get(server.authorizeURL(client: .init(id: "no-such-client", secret: nil),
                                                                       extra: [("request_uri", "https://evil.example/r.jwt")]))
            #expect(response.status == 400)
            #expect(response.location == nil)
        }
    }
}
