import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import TesseraClient
import TesseraCore
import TesseraHummingbird

/// BearerTokenMiddleware and RequireScopes on a real socket (`.live`), with a verifier double that
/// knows a few tokens: every answer of RFC 6750 §3 and RFC 9728 §5.1 the middleware can give.
/// The chain with the real provider and the real validator is ProtectedAPITests.
@Suite("BearerTokenMiddleware and RequireScopes over HTTP")
struct BearerTokenMiddlewareTests {
    static let metadata = ProtectedResourceMetadata(
        resource: "https://api.example/", authorizationServers: ["https://login.example"], scopesSupported: ["read:messages", "write:messages"])
    static let metadataURL = "https://api.example/.well-known/oauth-protected-resource"

    /// The tokens the verifier was asked about, to show a refused request never reached it.
    actor Calls {
        var tokens: [String] = []
        func record(_ token: String) { tokens.append(token) }
    }

    /// Knows `reader` (scope `read:messages`); `unreachable` fails as a JWKS that cannot be
    /// fetched; `injector` fails with a description that tries to end the header; any other
    /// token has a bad signature.
    struct StubVerifier: AccessTokenVerifier {
        let calls = Calls()

        func verify(_ token: Secret) async throws(ClientError) -> VerifiedAccessToken {
            await calls.record(token.unredacted)
            switch token.unredacted {
            case "reader", "reader==":
                return VerifiedAccessToken(subject: "user-1", clientID: "app", scopes: "openid read:messages",
                                           audience: ["https://api.example/"], expiresAt: nil, claims: [:])
            case "unreachable": throw ClientError(.transportFailed, "The JWKS at https://login.example/.well-known/jwks.json could not be fetched.")
            case "injector": throw ClientError(.invalidAudience, "bad \"aud\" \\ é\r\nX-Injected: yes")
            default: throw ClientError(.invalidSignature, "The access token's signature does not verify.")
            }
        }
    }

    /// `GET|POST /messages` for any verified token, `GET /admin` for `read:messages write:messages`.
    /// The middleware is added before the metadata route on purpose: the document stays public.
    static func app(_ verifier: StubVerifier) -> some ApplicationProtocol {
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.add(middleware: BearerTokenMiddleware(verifier: verifier, metadata: metadata))
        router.addProtectedResourceMetadata(metadata)
        router.get("/messages") { _, context in "hello \(context.accessToken?.subject ?? "nobody")" }
        router.post("/messages") { _, _ in "posted" }
        router.get("/messages/others") { _, _ -> String in
            throw BearerRefusal.insufficientScope("read:all-messages", resourceMetadata: metadataURL)
        }
        router.group("/admin").add(middleware: RequireScopes("read:messages", "write:messages", metadata: metadata)).get { _, _ in "admin" }
        return Application(router: router)
    }

    static func json(_ response: TestResponse) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: String] ?? [:]
    }

    @Test("RFC 6750 §3.1: no token is 401 with Bearer resource_metadata (first, beside DPoP's) and no error code")
    func missingToken() async throws {
        let verifier = StubVerifier()
        try await Self.app(verifier).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.headers[values: .wwwAuthenticate].first == #"Bearer resource_metadata="\#(Self.metadataURL)""#)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(Self.json(response)["error"] == nil)
            #expect(Self.json(response)["error_description"]?.contains("Authorization: Bearer") == true)
        }
        #expect(await verifier.calls.tokens.isEmpty)
    }

    @Test("RFC 6750 §3.1: a client that tried another scheme (Basic) is answered like one with no token: no error code")
    func otherScheme() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(response.status == .unauthorized)
            #expect(response.headers[values: .wwwAuthenticate].first == #"Bearer resource_metadata="\#(Self.metadataURL)""#)
        }
    }

    @Test("RFC 6750 §2.1: the scheme is case-insensitive and the verified token reaches the handler's context")
    func verifiedToken() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            for header in ["Bearer reader", "bearer reader", "BEARER  reader", "Bearer reader=="] {
                let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: header])
                #expect(response.status == .ok, "\(header)")
                #expect(String(buffer: response.body) == "hello user-1")
            }
        }
    }

    @Test("RFC 6750 §3.1: a token the verifier refuses is 401 invalid_token with its description and resource_metadata")
    func invalidToken() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Bearer forged.token.here"])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]
                == #"Bearer error="invalid_token", error_description="The access token's signature does not verify.", resource_metadata="\#(Self.metadataURL)""#)
            #expect(Self.json(response) == ["error": "invalid_token", "error_description": "The access token's signature does not verify."])
        }
    }

    @Test("attack: an error description with a quote, a backslash and a line break cannot end the WWW-Authenticate header or add one")
    func headerInjection() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Bearer injector"])
            #expect(response.status == .unauthorized)
            #expect(response.headers[HTTPField.Name("X-Injected")!] == nil)
            #expect(response.headers[.wwwAuthenticate]
                == #"Bearer error="invalid_token", error_description="bad 'aud'"# + String(repeating: " ", count: 6)
                + #"X-Injected: yes", resource_metadata="\#(Self.metadataURL)""#)
            #expect(Self.json(response)["error_description"] == "bad \"aud\" \\ é\r\nX-Injected: yes", "the JSON body carries it as sent, escaped by JSON")
        }
    }

    @Test("RFC 6750 §3.1: two Authorization headers are 400 invalid_request, and neither token is checked")
    func twoHeaders() async throws {
        let verifier = StubVerifier()
        try await Self.app(verifier).test(.live) { client in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .authorization, value: "Bearer reader"))
            headers.append(HTTPField(name: .authorization, value: "Bearer forged"))
            let response = try await client.execute(uri: "/messages", method: .get, headers: headers)
            #expect(response.status == .badRequest)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer error="invalid_request", error_description="#) == true)
            #expect(response.headers[.wwwAuthenticate]?.hasSuffix(#"resource_metadata="\#(Self.metadataURL)""#) == true)
            #expect(Self.json(response)["error"] == "invalid_request")
        }
        #expect(await verifier.calls.tokens.isEmpty)
    }

    @Test("RFC 6750 §2.3: a token in the URL's access_token is 400 invalid_request, even beside a good header, and never checked")
    func tokenInQuery() async throws {
        let verifier = StubVerifier()
        try await Self.app(verifier).test(.live) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer reader"]] {
                let response = try await client.execute(uri: "/messages?access_token=reader", method: .get, headers: headers)
                #expect(response.status == .badRequest)
                #expect(Self.json(response)["error"] == "invalid_request")
                #expect(Self.json(response)["error_description"]?.contains("URL") == true)
            }
        }
        #expect(await verifier.calls.tokens.isEmpty)
    }

    @Test("RFC 6750 §2.2: a token in a form-encoded body is 400 invalid_request; a form without one reaches the route")
    func tokenInFormBody() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let refused = try await client.execute(uri: "/messages", method: .post, headers: form, body: ByteBuffer(string: "text=hi&access_token=reader"))
            #expect(refused.status == .badRequest)
            #expect(Self.json(refused)["error"] == "invalid_request")
            var withHeader = form
            withHeader[.authorization] = "Bearer reader"
            let posted = try await client.execute(uri: "/messages", method: .post, headers: withHeader, body: ByteBuffer(string: "text=hi"))
            #expect(posted.status == .ok)
            #expect(String(buffer: posted.body) == "posted")
        }
    }

    @Test("a form body larger than the middleware reads to look for an access_token is 413, never passed on unread")
    func formBodyTooLarge() async throws {
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.add(middleware: BearerTokenMiddleware(verifier: StubVerifier(), metadata: Self.metadata, formBodyLimit: 16))
        router.post("/messages") { _, _ in "posted" }
        try await Application(router: router).test(.live) { client in
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .authorization: "Bearer reader"]
            let large = try await client.execute(uri: "/messages", method: .post, headers: headers,
                                                 body: ByteBuffer(string: "text=" + String(repeating: "a", count: 64)))
            #expect(large.status == .contentTooLarge)
            let small = try await client.execute(uri: "/messages", method: .post, headers: headers, body: ByteBuffer(string: "text=hi"))
            #expect(small.status == .ok)
        }
    }

    @Test("RFC 6750 §2.1: a Bearer header without a token, or with characters b64token does not allow, is 400 invalid_request")
    func malformedHeader() async throws {
        let verifier = StubVerifier()
        try await Self.app(verifier).test(.live) { client in
            for header in ["Bearer", "Bearer ", "Bearer two words", "Bearer a\"b", "Bearer =abc", "Bearer abc=d"] {
                let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: header])
                #expect(response.status == .badRequest, "\(header)")
                #expect(Self.json(response)["error"] == "invalid_request", "\(header)")
            }
        }
        #expect(await verifier.calls.tokens.isEmpty)
    }

    @Test("the authorization server unreachable is 503 temporarily_unavailable with no challenge: not the caller's fault, not a 401")
    func authorizationServerUnavailable() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let response = try await client.execute(uri: "/messages", method: .get, headers: [.authorization: "Bearer unreachable"])
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.wwwAuthenticate] == nil)
            #expect(Self.json(response)["error"] == "temporarily_unavailable")
            #expect(Self.json(response)["error_description"]?.contains("login.example") == false, "internal detail on the wire")
        }
    }

    @Test("attack: a token without the route's scope is 403 insufficient_scope naming the scope needed")
    func insufficientScope() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let response = try await client.execute(uri: "/admin", method: .get, headers: [.authorization: "Bearer reader"])
            #expect(response.status == .forbidden)
            #expect(response.headers[.wwwAuthenticate] == #"Bearer error="insufficient_scope", scope="read:messages write:messages", "#
                + #"error_description="The access token lacks a permission this request needs: read:messages write:messages.", "#
                + #"resource_metadata="\#(Self.metadataURL)""#)
            #expect(Self.json(response)["error"] == "insufficient_scope")
            let none = try await client.execute(uri: "/admin", method: .get)
            #expect(none.status == .unauthorized, "RequireScopes sits behind the bearer check")
        }
    }

    @Test("RequireScopes without BearerTokenMiddleware before it finds no token and answers 401, never letting the request through")
    func requireScopesMisplaced() async throws {
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.group("/admin").add(middleware: RequireScopes("read:messages")).get { _, _ in "admin" }
        try await Application(router: router).test(.live) { client in
            let response = try await client.execute(uri: "/admin", method: .get, headers: [.authorization: "Bearer reader"])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test("RFC 9728 §3 and §5.1: the 401's resource_metadata names the document the API serves, public JSON, cacheable")
    func metadataDocument() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let challenge = try #require(try await client.execute(uri: "/messages", method: .get).headers[values: .wwwAuthenticate].first)
            let url = try #require(challenge.firstMatch(of: #/resource_metadata="([^"]+)"/#).map { String($0.1) })
            let path = try #require(URLComponents(string: url)?.path)
            #expect(path == "/.well-known/oauth-protected-resource")
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.cacheControl] == "public, max-age=3600")
            let document = try JSONDecoder().decode(ProtectedResourceMetadata.self, from: Data(buffer: response.body))
            #expect(document == Self.metadata)
            #expect(document.bearerMethodsSupported == ["header"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(Set(object.keys) == ["resource", "authorization_servers", "scopes_supported", "bearer_methods_supported",
                                         "dpop_signing_alg_values_supported"])
        }
    }

    @Test("RFC 9728 §3.1: a resource identifier with a path has its metadata at the path-suffixed well-known URL, named in the 401")
    func metadataForResourceWithPath() async throws {
        let metadata = ProtectedResourceMetadata(resource: "https://api.example/v1", authorizationServers: ["https://login.example"])
        #expect(metadata.metadataURL == "https://api.example/.well-known/oauth-protected-resource/v1")
        #expect(ProtectedResourceMetadata(resource: "http://127.0.0.1:3001/").metadataURL == "http://127.0.0.1:3001/.well-known/oauth-protected-resource")
        #expect(ProtectedResourceMetadata(resource: "https://api.example").metadataURL == "https://api.example/.well-known/oauth-protected-resource")
        #expect(ProtectedResourceMetadata(resource: "https://api.example/v1?x=1").metadataURL == "https://api.example/.well-known/oauth-protected-resource/v1?x=1")
        let router = Router(context: BasicAccessTokenRequestContext.self)
        router.addProtectedResourceMetadata(metadata)
        router.add(middleware: BearerTokenMiddleware(verifier: StubVerifier(), metadata: metadata))
        router.get("/v1/messages") { _, _ in "hello" }
        try await Application(router: router).test(.live) { client in
            let refused = try await client.execute(uri: "/v1/messages", method: .get)
            #expect(refused.headers[values: .wwwAuthenticate].first == #"Bearer resource_metadata="https://api.example/.well-known/oauth-protected-resource/v1""#)
            let document = try await client.execute(uri: "/.well-known/oauth-protected-resource/v1", method: .get)
            #expect(document.status == .ok)
            #expect(try JSONDecoder().decode(ProtectedResourceMetadata.self, from: Data(buffer: document.body)).resource == metadata.resource)
        }
    }

    @Test("a handler's own rule throws a BearerRefusal and the client gets its status, challenge and JSON body")
    func thrownRefusal() async throws {
        try await Self.app(StubVerifier()).test(.live) { client in
            let response = try await client.execute(uri: "/messages/others", method: .get, headers: [.authorization: "Bearer reader"])
            #expect(response.status == .forbidden)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer error="insufficient_scope", scope="read:all-messages""#) == true)
            #expect(Self.json(response)["error"] == "insufficient_scope")
        }
    }
}
