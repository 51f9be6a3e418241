import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TesseraClient
import TesseraCore
@testable import TesseraHummingbird

/// The routes and middleware in-process, against a provider given by explicit metadata: nothing
/// here needs the provider to answer (the flows against the real one are in TesseraIntegrationTests).
@Suite("OIDCLogin in-process: cookie, redirects, refusals")
struct LoginRoutesTests {
    static let metadata = ProviderMetadata(
        issuer: "https://idp.example", authorizationEndpoint: "https://idp.example/authorize",
        tokenEndpoint: "https://idp.example/oauth/token", jwksURI: "https://idp.example/.well-known/jwks.json")

    /// A store that is down.
    struct FailingStore: OIDCSessionStore {
        struct Down: Error {}
        func load(idHash: String, now: Date) async throws -> OIDCSession? { throw Down() }
        func save(_ session: OIDCSession, idHash: String, now: Date) async throws { throw Down() }
        func remove(idHash: String) async throws { throw Down() }
    }

    /// An app with a public home page and a `/private` page behind requireLogin.
    static func app(redirectURI: String = "http://127.0.0.1:3000/callback", store: any OIDCSessionStore = MemoryOIDCSessionStore(),
                    metadata: ProviderMetadata = metadata) -> some ApplicationProtocol
    {
        var configuration = ClientConfiguration(clientID: "app", clientSecret: Secret("s3cr3t"), redirectURI: redirectURI)
        configuration.requestTimeout = .milliseconds(500)
        let client = OIDCClient(provider: .metadata(metadata), configuration: configuration)
        let login = OIDCLogin(client: client, store: store, context: BasicOIDCRequestContext.self)
        let router = Router(context: BasicOIDCRequestContext.self)
        router.add(middleware: login.sessionMiddleware)
        router.addRoutes(login.routes)
        router.get("/") { _, context in context.oidc.isLoggedIn ? "in" : "out" }
        router.group("/private").add(middleware: login.requireLogin)
            .get { _, _ in "secret page" }
            .post { _, _ in "posted" }
        return Application(router: router)
    }

    static func setCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first
    }

    @Test("/login redirects to the provider with state, nonce and S256 PKCE, setting only an opaque HttpOnly SameSite=Lax cookie")
    func loginCookie() async throws {
        let store = MemoryOIDCSessionStore()
        try await Self.app(store: store).test(.router) { client in
            let response = try await client.execute(uri: "/login?return_to=%2Fprivate%3Fx%3D1", method: .get)
            #expect(response.status == .found)
            let location = try #require(response.headers[.location].flatMap(URLComponents.init(string:)))
            #expect(location.host == "idp.example")
            let pairs = try #require(FormURLEncoding.decode(location.percentEncodedQuery ?? ""))
            let query = Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })
            #expect(query["code_challenge_method"] == "S256")
            #expect(query["scope"] == "openid profile email offline_access")
            #expect(query["redirect_uri"] == "http://127.0.0.1:3000/callback")
            let state = try #require(query["state"])

            let cookie = try #require(Self.setCookie(response))
            #expect(cookie.hasPrefix("tessera_rp_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "http app: a Secure cookie would never come back")
            let id = String(cookie.dropFirst("tessera_rp_session=".count).prefix { $0 != ";" })
            #expect(id.count == 43)
            for secret in [state, query["nonce"] ?? "", query["code_challenge"] ?? ""] {
                #expect(!cookie.contains(secret))
            }

            let session = try #require(await store.load(idHash: SecretHash(of: Secret(id)).hex, now: Date()))
            #expect(session.tokens == nil)
            #expect(session.pendingLogins.count == 1)
            #expect(session.pendingLogins.first?.returnTo == "/private?x=1")
            #expect(session.pendingLogins.first?.authorization.state.unredacted == state)
            #expect(await store.load(idHash: id, now: Date()) == nil, "the store is keyed by the id's hash, never the id")
        }
    }

    @Test("each tab's login is kept beside the others in the same session, the newest four")
    func loginsInSeveralTabs() async throws {
        let store = MemoryOIDCSessionStore()
        try await Self.app(store: store).test(.router) { client in
            let first = try #require(Self.setCookie(try await client.execute(uri: "/login", method: .get)))
            let cookie = String(first.prefix { $0 != ";" })
            var states: [String] = []
            for _ in 0..<5 {
                let again = try await client.execute(uri: "/login", method: .get, headers: [.cookie: cookie])
                #expect(Self.setCookie(again)?.hasPrefix(cookie + ";") == true, "the same id, its cookie renewed")
                states += try #require(FormURLEncoding.decode(URLComponents(string: again.headers[.location] ?? "")?.percentEncodedQuery ?? ""))
                    .filter { $0.name == "state" }.map(\.value)
            }
            let id = String(cookie.dropFirst("tessera_rp_session=".count))
            let session = try #require(await store.load(idHash: SecretHash(of: Secret(id)).hex, now: Date()))
            #expect(session.pendingLogins.map(\.authorization.state.unredacted) == Array(states.suffix(4)))
        }
    }

    @Test("an https app gets a Secure cookie with the __Host- prefix")
    func secureCookie() async throws {
        try await Self.app(redirectURI: "https://app.example/auth/callback").test(.router) { client in
            let response = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(Self.setCookie(response))
            #expect(cookie.hasPrefix("__Host-tessera_rp_session="))
            #expect(cookie.contains("Secure"))
            // The callback route follows the redirect URI's path.
            let callback = try await client.execute(uri: "/auth/callback?state=x&code=y", method: .get)
            #expect(callback.status == .badRequest)
        }
    }

    @Test("an open redirect through return_to is refused: the login returns to the default path")
    func openRedirect() async throws {
        let store = MemoryOIDCSessionStore()
        try await Self.app(store: store).test(.router) { client in
            let response = try await client.execute(uri: "/login?return_to=https%3A%2F%2Fevil.example%2F", method: .get)
            let cookie = try #require(Self.setCookie(response))
            let id = String(cookie.dropFirst("tessera_rp_session=".count).prefix { $0 != ";" })
            let session = try #require(await store.load(idHash: SecretHash(of: Secret(id)).hex, now: Date()))
            #expect(session.pendingLogins.first?.returnTo == "/")
        }
    }

    @Test("requireLogin: a GET is redirected to /login with return_to; a POST gets a 401 page")
    func requireLogin() async throws {
        try await Self.app().test(.router) { client in
            let get = try await client.execute(uri: "/private?tab=2", method: .get)
            #expect(get.status == .found)
            #expect(get.headers[.location] == "/login?return_to=%2Fprivate%3Ftab%3D2")
            let post = try await client.execute(uri: "/private", method: .post)
            #expect(post.status == .unauthorized)
            #expect(String(buffer: post.body).contains("href=\"/login\""))
            #expect(String(buffer: try await client.execute(uri: "/", method: .get).body) == "out")
        }
    }

    @Test("callback without a session, or with a state this browser never sent: a 400 page with a way back in")
    func callbackRefusals() async throws {
        try await Self.app().test(.router) { client in
            let bare = try await client.execute(uri: "/callback?code=abc&state=xyz", method: .get)
            #expect(bare.status == .badRequest)
            let page = String(buffer: bare.body)
            #expect(page.contains("LOGIN_NOT_IN_PROGRESS"))
            #expect(page.contains("<a href=\"/login\">Log in again</a>"))
            #expect(bare.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(bare.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")

            let login = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(Self.setCookie(login)).prefix { $0 != ";" }
            let forged = try await client.execute(uri: "/callback?code=abc&state=forged", method: .get, headers: [.cookie: String(cookie)])
            #expect(forged.status == .badRequest)
            #expect(String(buffer: forged.body).contains("LOGIN_STATE_UNKNOWN"))
        }
    }

    @Test("logout: GET shows a button that posts; a POST from another origin is refused")
    func logoutCSRF() async throws {
        try await Self.app().test(.router) { client in
            let page = try await client.execute(uri: "/logout", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("<form method=\"post\" action=\"/logout\">"))
            let foreign = try await client.execute(uri: "/logout", method: .post, headers: [HTTPField.Name("Origin")!: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            let own = try await client.execute(uri: "/logout", method: .post, headers: [HTTPField.Name("Origin")!: "http://127.0.0.1:3000"])
            #expect(own.status == .seeOther)
            #expect(own.headers[.location] == "/")
        }
    }

    @Test("a cookie naming no live session is cleared")
    func staleCookie() async throws {
        try await Self.app().test(.router) { client in
            let stale = "tessera_rp_session=" + Secret.random().unredacted
            let response = try await client.execute(uri: "/", method: .get, headers: [.cookie: stale])
            #expect(String(buffer: response.body) == "out")
            #expect(Self.setCookie(response)?.contains("Max-Age=0") == true)
        }
    }

    @Test("a session store that is down: a 503 page on the login routes, and pages that need no login still work")
    func storeDown() async throws {
        try await Self.app(store: FailingStore()).test(.router) { client in
            let cookie = "tessera_rp_session=" + Secret.random().unredacted
            for (uri, method) in [("/login", HTTPRequest.Method.get), ("/callback?state=x&code=y", .get), ("/logout", .post)] {
                let response = try await client.execute(uri: uri, method: method, headers: [.cookie: cookie])
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(String(buffer: response.body).contains("LOGIN_SESSIONS_UNAVAILABLE"))
            }
            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
            #expect(home.status == .ok)
            #expect(String(buffer: home.body) == "out")
        }
    }

    @Test("a refresh that cannot reach the provider keeps the session and its tokens, for a later request to refresh")
    func refreshDeferredWhenProviderDown() async throws {
        // Port 9 (discard) on loopback: nothing listens, so the refresh fails within the request timeout.
        let down = ProviderMetadata(issuer: "http://127.0.0.1:9", authorizationEndpoint: "http://127.0.0.1:9/authorize",
                                    tokenEndpoint: "http://127.0.0.1:9/oauth/token", jwksURI: "http://127.0.0.1:9/jwks")
        let store = MemoryOIDCSessionStore()
        let id = Secret.random()
        let response = TokenResponse(accessToken: Secret("expiring-access-token"), expiresIn: 10, refreshToken: Secret("refresh-token"))
        let tokens = TokenSet(response: response, idTokenClaims: nil, receivedAt: Date())
        await store.save(OIDCSession(tokens: tokens, expiresAt: Date().addingTimeInterval(3_600)), idHash: SecretHash(of: id).hex, now: Date())
        try await Self.app(store: store, metadata: down).test(.router) { client in
            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: "tessera_rp_session=" + id.unredacted])
            #expect(String(buffer: home.body) == "in")
            #expect(Self.setCookie(home) == nil)
            #expect(await store.load(idHash: SecretHash(of: id).hex, now: Date())?.tokens == tokens)
        }
    }

    @Test("what ends a session on a failed refresh: the provider's refusal or an untrustworthy answer, not an outage")
    func transientRefreshFailures() {
        #expect(!LoginSessions.isTransient(OAuthError(.invalidGrant)))
        #expect(!LoginSessions.isTransient(OAuthError(.invalidClient)))
        #expect(LoginSessions.isTransient(OAuthError(.serverError)))
        #expect(LoginSessions.isTransient(OAuthError(.temporarilyUnavailable)))
        #expect(LoginSessions.isTransient(ClientError(.timeout, "")))
        #expect(LoginSessions.isTransient(ClientError(.transportFailed, "")))
        #expect(!LoginSessions.isTransient(ClientError(.subjectMismatch, "")))
        #expect(!LoginSessions.isTransient(ClientError(.invalidSignature, "")))
    }
}
