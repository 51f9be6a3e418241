import Foundation
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// Every refusal of `POST /oauth/token` is its RFC 6749 §5.2 error with a description — and never a 5xx.
@Suite("Token endpoint errors")
struct TokenEndpointErrorTests {
    /// Checks the shape every error response must have.
    static func expectError(_ response: HTTPResult, _ code: String, status: Int = 400, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "status", sourceLocation: sourceLocation)
        #expect(response.oauthError == code, "error code in \(response.body)", sourceLocation: sourceLocation)
        #expect((response.json["error_description"] as? String)?.isEmpty == false, "error_description", sourceLocation: sourceLocation)
        #expect(response.header("Cache-Control") == "no-store", sourceLocation: sourceLocation)
        #expect(response.status < 500, sourceLocation: sourceLocation)
    }

    @Test("oidcc-codereuse-30seconds: a code used again 30 s later is invalid_grant, and the first exchange's access and refresh tokens stop working",
          arguments: TestEngine.all)
    func reusedCode(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            let first = try await server.exchange(code, client: client)
            #expect(first.status == 200)
            let accessToken = try #require(first.json["access_token"] as? String)
            let refreshToken = try #require(first.json["refresh_token"] as? String)
            #expect(try await server.userInfo(accessToken).status == 200)

            server.clock.advance(by: 30)
            let second = try await server.exchange(code, client: client)
            Self.expectError(second, "invalid_grant")
            #expect((second.json["error_description"] as? String)?.contains("already been used") == true)

            #expect(try await server.userInfo(accessToken).status == 401)
            Self.expectError(try await server.refresh(refreshToken, client: client), "invalid_grant")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("an expired code is invalid_grant (the code lifetime, --code-ttl, is honoured to the second)", arguments: TestEngine.all)
    func expiredCode(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.codeLifetime = 5 }) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let fresh = try await server.code(for: client)
            server.clock.advance(by: 4)
            #expect(try await server.exchange(fresh, client: client).status == 200)

            let stale = try await server.code(for: client)
            server.clock.advance(by: 5)
            let response = try await server.exchange(stale, client: client)
            Self.expectError(response, "invalid_grant")
            #expect((response.json["error_description"] as? String)?.contains("expired") == true)
        }
    }

    @Test("redirect_uri must repeat the authorization request's exactly", arguments: TestEngine.all)
    func redirectURIMismatch(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient(redirectURIs: [TestServer.redirectURI, "http://localhost:3000/other"])
            try await server.addUser()
            Self.expectError(try await server.exchange(try await server.code(for: client), client: client,
                                                       redirectURI: "http://localhost:3000/other"), "invalid_grant")
            Self.expectError(try await server.exchange(try await server.code(for: client), client: client,
                                                       redirectURI: TestServer.redirectURI + "/"), "invalid_grant")
            Self.expectError(try await server.exchange(try await server.code(for: client), client: client, redirectURI: nil), "invalid_grant")
        }
    }

    @Test("PKCE: a wrong or missing verifier, or a verifier without a challenge, is invalid_grant", arguments: TestEngine.all)
    func pkceFailures(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let pkce = PKCE()
            Self.expectError(try await server.exchange(try await server.code(for: client, pkce: pkce), client: client,
                                                       verifier: PKCE().verifier), "invalid_grant")
            Self.expectError(try await server.exchange(try await server.code(for: client, pkce: pkce), client: client), "invalid_grant")
            Self.expectError(try await server.exchange(try await server.code(for: client), client: client,
                                                       verifier: pkce.verifier), "invalid_grant")
            #expect(try await server.exchange(try await server.code(for: client, pkce: pkce), client: client,
                                              verifier: pkce.verifier).status == 200)
        }
    }

    @Test("a code issued to one client cannot be redeemed by another", arguments: TestEngine.all)
    func codeOfAnotherClient(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let alice = try await server.addClient()
            let mallory = try await server.addClient()
            try await server.addUser()
            Self.expectError(try await server.exchange(try await server.code(for: alice), client: mallory), "invalid_grant")
        }
    }

    @Test("a wrong secret is 401 invalid_client, with WWW-Authenticate: Basic when Basic was used", arguments: TestEngine.all)
    func wrongSecret(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let impostor = TestServer.RegisteredClient(id: client.id, secret: Secret("not-the-secret"))
            let viaBasic = try await server.exchange(try await server.code(for: client), client: impostor)
            Self.expectError(viaBasic, "invalid_client", status: 401)
            #expect(viaBasic.header("WWW-Authenticate")?.hasPrefix("Basic") == true)

            let viaBody = try await server.token([("grant_type", "authorization_code"), ("code", "x")], client: impostor, basic: false)
            Self.expectError(viaBody, "invalid_client", status: 401)
            #expect(viaBody.header("WWW-Authenticate") == nil)

            let unknown = TestServer.RegisteredClient(id: "no-such-client", secret: Secret("whatever"))
            Self.expectError(try await server.token([("grant_type", "authorization_code"), ("code", "x")], client: unknown), "invalid_client", status: 401)
            Self.expectError(try await server.token([("grant_type", "authorization_code"), ("code", "x")], client: nil), "invalid_client", status: 401)

            let confidentialWithoutSecret = TestServer.RegisteredClient(id: client.id, secret: nil)
            Self.expectError(try await server.token([("grant_type", "authorization_code"), ("code", "x")], client: confidentialWithoutSecret),
                             "invalid_client", status: 401)
            #expect(!viaBasic.body.contains("not-the-secret"))
        }
    }

    @Test("two client authentication methods at once is invalid_request; a matching body client_id is fine", arguments: TestEngine.all)
    func twoAuthenticationMethods(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let secret = try #require(client.secret)
            let form = formBody([("grant_type", "authorization_code"), ("code", "x"), ("client_secret", secret.unredacted)])
            let both = try await send(.POST, server.url("/oauth/token"),
                                      headers: [basicAuthorization(id: client.id, secret: secret), form.header], body: form.body)
            Self.expectError(both, "invalid_request")

            let code = try await server.code(for: client)
            let matching = formBody([("grant_type", "authorization_code"), ("code", code.unredacted),
                                     ("redirect_uri", TestServer.redirectURI), ("client_id", client.id)])
            let ok = try await send(.POST, server.url("/oauth/token"),
                                    headers: [basicAuthorization(id: client.id, secret: secret), matching.header], body: matching.body)
            #expect(ok.status == 200)
        }
    }

    @Test("grant types: unknown is unsupported_grant_type, missing is invalid_request, not allowed is unauthorized_client", arguments: TestEngine.all)
    func grantTypes(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            Self.expectError(try await server.token([("grant_type", "password"), ("username", "a"), ("password", "b")], client: client),
                             "unsupported_grant_type")
            Self.expectError(try await server.token([("code", "x")], client: client), "invalid_request")
            let codeOnly = try await server.addClient(grantTypes: [.authorizationCode])
            Self.expectError(try await server.token([("grant_type", "refresh_token"), ("refresh_token", "x")], client: codeOnly),
                             "unauthorized_client")
            Self.expectError(try await server.token([("grant_type", "authorization_code")], client: client), "invalid_request")
            Self.expectError(try await server.token([("grant_type", "authorization_code"), ("code", "never-issued")], client: client),
                             "invalid_grant")
        }
    }

    @Test("only POST: any other method is 405 with Allow: POST", arguments: TestEngine.all)
    func onlyPost(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            for method in [HTTPMethod.GET, .PUT, .DELETE, .PATCH] {
                let response = try await send(method, server.url("/oauth/token?grant_type=authorization_code&client_secret=s3cr3t"))
                Self.expectError(response, "invalid_request", status: 405)
                #expect(response.header("Allow") == "POST")
                #expect(!response.body.contains("s3cr3t"))
            }
        }
    }

    @Test("parameters in the URL are refused, even on a POST", arguments: TestEngine.all)
    func parametersInURL(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let form = formBody([("grant_type", "authorization_code")])
            let response = try await send(.POST, server.url("/oauth/token?client_secret=\(client.secret!.unredacted)"),
                                          headers: [form.header], body: form.body)
            Self.expectError(response, "invalid_request")
        }
    }

    @Test("bodies: wrong Content-Type, malformed JSON, a duplicated parameter, and over 64 KiB (413)", arguments: TestEngine.all)
    func badBodies(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let auth = basicAuthorization(id: client.id, secret: client.secret!)
            let url = server.url("/oauth/token")
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "text/plain")], body: "grant_type=x"), "invalid_request")
            Self.expectError(try await send(.POST, url, headers: [auth], body: "grant_type=x"), "invalid_request")
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "application/json")], body: "{\"grant_type\":"), "invalid_request")
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "application/json")], body: "[1,2]"), "invalid_request")
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "application/x-www-form-urlencoded")],
                                            body: "grant_type=authorization_code&code=a&code=b"), "invalid_request")
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "application/json")],
                                            body: #"{"grant_type":"authorization_code","code":"a","code":"b"}"#), "invalid_request")
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "application/x-www-form-urlencoded")],
                                            body: "grant_type=%zz"), "invalid_request")
            let huge = "grant_type=authorization_code&code=" + String(repeating: "a", count: 70 * 1024)
            Self.expectError(try await send(.POST, url, headers: [auth, ("Content-Type", "application/x-www-form-urlencoded")], body: huge),
                             "invalid_request", status: 413)
        }
    }

    @Test("a second code smuggled past the duplicate check as c\\u006fde is invalid_request, and the real code stays unspent", arguments: TestEngine.all)
    func escapedDuplicateParameter(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let code = try await server.code(for: client)
            let auth = basicAuthorization(id: client.id, secret: client.secret!)
            let body = #"{"grant_type":"authorization_code","redirect_uri":"\#(TestServer.redirectURI)","code":"\#(code.unredacted)","c\u006fde":"forged"}"#
            let smuggled = try await send(.POST, server.url("/oauth/token"), headers: [auth, ("Content-Type", "application/json")], body: body)
            Self.expectError(smuggled, "invalid_request")
            #expect(smuggled.json["error_description"] as? String == "The parameter 'code' was given more than once.")
            #expect(try await server.exchange(code, client: client).status == 200)
        }
    }

    @Test("malformed Basic credentials are 401 invalid_client, an unknown scheme invalid_request", arguments: TestEngine.all)
    func malformedAuthorization(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let form = formBody([("grant_type", "authorization_code"), ("code", "x")])
            let url = server.url("/oauth/token")
            let notBase64 = try await send(.POST, url, headers: [("Authorization", "Basic !!!"), form.header], body: form.body)
            Self.expectError(notBase64, "invalid_client", status: 401)
            #expect(notBase64.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            let noColon = try await send(.POST, url, headers: [("Authorization", "Basic " + Data("abc".utf8).base64EncodedString()), form.header],
                                         body: form.body)
            Self.expectError(noColon, "invalid_client", status: 401)
            Self.expectError(try await send(.POST, url, headers: [("Authorization", "Bearer abc"), form.header], body: form.body), "invalid_request")
        }
    }
}
