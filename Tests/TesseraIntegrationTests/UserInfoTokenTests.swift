import Foundation
import Testing
import TesseraCore

/// Where userinfo takes its access token from (RFC 6750 §2): the header, or a POST's form body.
@Suite("userinfo: the access token in the header or a form body (RFC 6750 §2)")
struct UserInfoTokenTests {
    /// An access token of alice's with `openid email`.
    static func accessToken(_ server: TestServer) async throws -> String {
        let client = try await server.addClient()
        try await server.addUser()
        let tokens = try await server.exchange(try await server.code(for: client, scope: "openid email"), client: client)
        return try #require(tokens.json["access_token"] as? String)
    }

    @Test("oidcc-userinfo-post-body: RFC 6750 §2.2 the token as access_token in a form-encoded POST body", arguments: TestEngine.all)
    func postBody(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let token = try await Self.accessToken(server)
            let form = formBody([("access_token", token)])
            let response = try await send(.POST, server.url("/userinfo"), headers: [form.header], body: form.body)
            #expect(response.status == 200, "\(response.body)")
            #expect(response.json["email"] as? String == "alice@example.com")
        }
    }

    @Test("oidcc-userinfo-post-header: RFC 6750 §2.1 the token in the Authorization header of a POST, with or without a body", arguments: TestEngine.all)
    func postHeader(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let token = try await Self.accessToken(server)
            let bare = try await send(.POST, server.url("/userinfo"), headers: [("Authorization", "Bearer \(token)")])
            #expect(bare.status == 200, "\(bare.body)")
            #expect(bare.json["email"] as? String == "alice@example.com")
            let form = formBody([("unrelated", "x")])
            let withForm = try await send(.POST, server.url("/userinfo"), headers: [("Authorization", "Bearer \(token)"), form.header], body: form.body)
            #expect(withForm.status == 200, "\(withForm.body)")
        }
    }

    @Test("RFC 6750 §2: header and body token at once → 400 invalid_request, with a Bearer challenge (§3)", arguments: TestEngine.all)
    func twoMethods(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let token = try await Self.accessToken(server)
            let form = formBody([("access_token", token)])
            let response = try await send(.POST, server.url("/userinfo"), headers: [("Authorization", "Bearer \(token)"), form.header], body: form.body)
            #expect(response.status == 400)
            #expect(response.oauthError == "invalid_request")
            #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(response.header("WWW-Authenticate")?.contains(#"error="invalid_request""#) == true)
        }
    }

    @Test("RFC 6750 §3.1: a bad token in the body is 401 invalid_token; a repeated access_token is 400 invalid_request; a GET's body is not read")
    func bodyErrors() async throws {
        try await TestServer.with(.sqlite) { server in
            let token = try await Self.accessToken(server)
            let bad = formBody([("access_token", "not-a-token")])
            let invalid = try await send(.POST, server.url("/userinfo"), headers: [bad.header], body: bad.body)
            #expect(invalid.status == 401)
            #expect(invalid.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)

            let twice = formBody([("access_token", token), ("access_token", token)])
            let repeated = try await send(.POST, server.url("/userinfo"), headers: [twice.header], body: twice.body)
            #expect(repeated.status == 400)
            #expect(repeated.oauthError == "invalid_request")

            let form = formBody([("access_token", token)])
            let get = try await send(.GET, server.url("/userinfo"), headers: [form.header], body: form.body)
            #expect(get.status == 401, "RFC 6750 §2.2: the body method is not for GET")
        }
    }
}
