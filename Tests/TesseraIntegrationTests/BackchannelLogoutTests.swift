import Foundation
import Hummingbird
import NIOHTTP1
import Testing
import TesseraCore
import TesseraServer

/// OpenID Connect Back-Channel Logout 1.0, the provider's side: when a session ends, or a grant
/// is revoked, each client that had tokens in it gets a signed logout token, delivered from a
/// durable queue by a background service. Every test polls with a generous deadline; nothing is timed.
@Suite("OpenID Connect Back-Channel Logout 1.0: the provider")
struct BackchannelLogoutTests {
    /// Delivery polled often and retried at once, so tests do not wait.
    static func fastDelivery(_ configuration: inout ProviderConfiguration) {
        configuration.backchannelLogout.pollInterval = .milliseconds(20)
        configuration.backchannelLogout.retryDelay = .zero
    }

    /// A client whose back-channel logout URI is `receiver`'s.
    static func addClient(_ server: TestServer, receiver: String?, idTokenAlgorithm: SigningAlgorithm = .rs256) async throws -> TestServer.RegisteredClient {
        let client = try await server.addClient(idTokenAlgorithm: idTokenAlgorithm)
        if let receiver {
            try await server.provider.administration.setBackchannelLogout(clientID: client.id, uri: receiver)
        }
        return client
    }

    /// Runs `body` with a receiver answering `status`, a server delivering to it at once, a user,
    /// and a client registered with the receiver's URI; stops them all afterwards.
    static func withClient(
        _ engine: TestEngine, status: HTTPResponse.Status = .ok, idTokenAlgorithm: SigningAlgorithm = .rs256,
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        _ body: (TestServer, LogoutTokenReceiver, TestServer.RegisteredClient) async throws -> Void
    ) async throws {
        let receiver = try await LogoutTokenReceiver.start(status: status)
        try await using(receiver, stop: { await $0.stop() }) { receiver in
            try await TestServer.with(engine, configure: { fastDelivery(&$0); configure(&$0) }) { server in
                try await server.addUser()
                try await body(server, receiver, try await addClient(server, receiver: receiver.url, idTokenAlgorithm: idTokenAlgorithm))
            }
        }
    }

    /// The token response of a code `browser` got for `client` (logging in unless it has a session).
    static func tokens(_ server: TestServer, _ browser: Browser, client: TestServer.RegisteredClient) async throws -> (code: Secret, json: [String: Any]) {
        let query = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
        let code = Secret(try #require(query["code"]))
        let exchanged = try await server.exchange(code, client: client)
        #expect(exchanged.status == 200, "\(exchanged.body)")
        return (code, exchanged.json)
    }

    /// The `sid` and `sub` of an id_token.
    static func session(of json: [String: Any], _ server: TestServer) async throws -> (sid: String, sub: String) {
        let claims = try await server.verifyIDToken(try #require(json["id_token"] as? String)).claims
        return (try #require(claims.sid), claims.sub)
    }

    @Test("oidcc-backchannel-rp-initiated-logout: logout at /oidc/logout sends one logout token to each client with tokens in the session",
          arguments: TestEngine.all)
    func rpInitiatedLogout(engine: TestEngine) async throws {
        let receiver = try await LogoutTokenReceiver.start()
        try await using(receiver, stop: { await $0.stop() }) { receiver in try await TestServer.with(engine, configure: Self.fastDelivery) { server in
            try await server.addUser()
            let first = try await Self.addClient(server, receiver: receiver.url)
            let second = try await Self.addClient(server, receiver: receiver.url)
            let untold = try await Self.addClient(server, receiver: nil)
            let browser = Browser()
            let (_, firstTokens) = try await Self.tokens(server, browser, client: first)
            _ = try await Self.tokens(server, browser, client: second)
            _ = try await Self.tokens(server, browser, client: untold)
            // Another user's session at the same clients is not ended.
            try await server.addUser(email: "bob@example.com")
            _ = try await server.code(for: first, email: "bob@example.com")
            let session = try await Self.session(of: firstTokens, server)

            let idToken = try #require(firstTokens["id_token"] as? String)
            let logout = try await browser.get(server.url("/oidc/logout?") + FormURLEncoding.encode([("id_token_hint", idToken)]))
            #expect(logout.status == 200, "the logged-out page")

            let tokens = try await receiver.waitForTokens(2)
            var audiences: [String] = []
            for token in tokens {
                let claims = try await server.verifyLogoutToken(token).claims
                #expect(claims.sid == session.sid)
                #expect(claims.sub == session.sub)
                audiences.append(claims.aud)
            }
            #expect(audiences.sorted() == [first.id, second.id].sorted())
            try await eventually("delivered rows are deleted") { try await server.provider.store.pendingBackchannelLogoutCount() == 0 }
            #expect(receiver.tokens.count == 2, "one token per client, none for the client without a URI")
        } }
    }

    @Test("Back-Channel Logout §2.4: the logout token has typ logout+jwt, events, sid, sub and no nonce, signed as the client's id_tokens (/v2/logout)",
          arguments: TestEngine.all)
    func logoutTokenShape(engine: TestEngine) async throws {
        try await Self.withClient(engine, idTokenAlgorithm: .es256) { server, receiver, client in
            let browser = Browser()
            let (_, json) = try await Self.tokens(server, browser, client: client)
            let session = try await Self.session(of: json, server)

            let page = try await browser.get(server.url("/v2/logout"))
            let confirmation = try #require(LogoutConfirmation(html: page.body))
            _ = try await browser.post(server.url(confirmation.action), form: confirmation.fields)

            let token = try #require(try await receiver.waitForTokens(1).first)
            let (claims, header) = try await server.verifyLogoutToken(token)
            #expect(header["typ"] as? String == "logout+jwt")
            #expect(header["alg"] as? String == "ES256")
            #expect(claims.iss == server.baseURL)
            #expect(claims.aud == client.id)
            #expect(claims.sub == session.sub)
            #expect(claims.sid == session.sid)
            #expect(claims.events == ["http://schemas.openid.net/event/backchannel-logout": [:]])
            #expect(claims.nonce == nil)
            let payload = try #require(Base64URL.decode(String(token.split(separator: ".")[1])))
            #expect(!String(decoding: payload, as: UTF8.self).contains("\"nonce\""))
            #expect(!claims.jti.isEmpty)
            let exp = try #require(claims.exp)
            #expect(exp > claims.iat && exp - claims.iat <= 300, "short-lived")
        }
    }

    @Test("oidcc-codereuse: code reuse revokes the grant and ends the session at the RP with a logout token", arguments: TestEngine.all)
    func codeReuse(engine: TestEngine) async throws {
        try await Self.withClient(engine) { server, receiver, client in
            let (code, json) = try await Self.tokens(server, Browser(), client: client)
            let session = try await Self.session(of: json, server)
            let again = try await server.exchange(code, client: client)
            #expect(again.status == 400)
            let claims = try await server.verifyLogoutToken(try #require(try await receiver.waitForTokens(1).first)).claims
            #expect(claims.aud == client.id)
            #expect(claims.sid == session.sid)
            #expect(claims.sub == session.sub)
        }
    }

    @Test("RFC 9700 §4.14.2: refresh-token reuse revokes the family and sends a logout token", arguments: TestEngine.all)
    func refreshReuse(engine: TestEngine) async throws {
        try await Self.withClient(engine) { server, receiver, client in
            let (_, json) = try await Self.tokens(server, Browser(), client: client)
            let refreshToken = try #require(json["refresh_token"] as? String)
            #expect(try await server.refresh(refreshToken, client: client).status == 200)
            #expect(receiver.tokens.isEmpty, "a normal rotation ends nothing")
            #expect(try await server.refresh(refreshToken, client: client).status == 400)
            let claims = try await server.verifyLogoutToken(try #require(try await receiver.waitForTokens(1).first)).claims
            #expect(claims.aud == client.id)
            #expect(claims.sid == (try await Self.session(of: json, server)).sid)
        }
    }

    @Test("RFC 7009: revoking the refresh token at /oauth/revoke sends its client a logout token, once", arguments: TestEngine.all)
    func revocation(engine: TestEngine) async throws {
        try await Self.withClient(engine) { server, receiver, client in
            let (_, json) = try await Self.tokens(server, Browser(), client: client)
            let refreshToken = try #require(json["refresh_token"] as? String)
            let form = formBody([("token", refreshToken)])
            let secret = try #require(client.secret)
            for _ in 1...2 {
                let revoked = try await send(.POST, server.url("/oauth/revoke"),
                                             headers: [basicAuthorization(id: client.id, secret: secret), form.header], body: form.body)
                #expect(revoked.status == 200)
            }
            let claims = try await server.verifyLogoutToken(try #require(try await receiver.waitForTokens(1).first)).claims
            #expect(claims.aud == client.id)
            try await eventually("the queue is empty") { try await server.provider.store.pendingBackchannelLogoutCount() == 0 }
            #expect(receiver.tokens.count == 1, "revoking a revoked grant again tells no one")
        }
    }

    @Test("Back-Channel Logout §2.8: a failing endpoint gets bounded retries, then is given up with a warning (never an error, never the token)",
          arguments: TestEngine.all)
    func boundedRetries(engine: TestEngine) async throws {
        try await Self.withClient(engine, status: .internalServerError, configure: { $0.backchannelLogout.maxAttempts = 3 }) { server, receiver, client in
            let (code, _) = try await Self.tokens(server, Browser(), client: client)
            _ = try await server.exchange(code, client: client)
            // The warning follows the row's deletion: wait for both, or the check races the log line.
            func lines() -> [Substring] { LogCapture.text.split(separator: "\n").filter { $0.contains("client_id=\(client.id)") } }
            try await eventually("the logout token is given up with a warning") {
                try await server.provider.store.pendingBackchannelLogoutCount() == 0
                    && lines().contains { $0.hasPrefix("warning ") && $0.contains("back-channel logout given up") }
            }
            #expect(receiver.tokens.count == 3, "exactly maxAttempts attempts")
            let lines = lines()
            #expect(!lines.contains { $0.hasPrefix("error ") || $0.hasPrefix("critical ") })
            #expect(LogCapture.leaked(receiver.tokens).isEmpty, "a logout token reached the log")
        }
    }

    @Test("Back-Channel Logout §2.5: delivery survives a provider restart (queued while the client was down, sent by the next provider)",
          arguments: TestEngine.all)
    func survivesRestart(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let port = freeLoopbackPort()
            let clock = ManualClock()
            let uri = "http://127.0.0.1:\(port)/backchannel-logout"
            // The first provider tries once (the client is down) and would retry only in an hour.
            let first = try await TestServer.start(engine, database: database, clock: clock) { configuration in
                Self.fastDelivery(&configuration)
                configuration.backchannelLogout.retryDelay = .seconds(3600)
            }
            let client: TestServer.RegisteredClient
            do {
                try await first.addUser()
                client = try await Self.addClient(first, receiver: uri)
                let (code, _) = try await Self.tokens(first, Browser(), client: client)
                #expect(try await first.exchange(code, client: client).status == 400)
                #expect(try await first.provider.store.pendingBackchannelLogoutCount() == 1)
            } catch {
                await first.stop()
                throw error
            }
            await first.stop()

            let receiver = try await LogoutTokenReceiver.start(port: port)
            clock.advance(by: 7200)
            let second = try await TestServer.start(engine, database: database, clock: clock, configure: Self.fastDelivery)
            try await using((second, receiver), stop: { await $0.0.stop(); await $0.1.stop() }) { running in
                let (second, receiver) = running
                let claims = try await second.verifyLogoutToken(try #require(try await receiver.waitForTokens(1).first)).claims
                #expect(claims.aud == client.id)
                try await eventually("the queue is empty") { try await second.provider.store.pendingBackchannelLogoutCount() == 0 }
            }
        }
    }

    @Test("Back-Channel Logout §2.5: a queued logout token is claimed by one node at a time, and by another once its lease ends",
          arguments: TestEngine.all)
    func claimedOnce(engine: TestEngine) async throws {
        try await TestServer.with(engine, configure: { $0.backchannelLogout.pollInterval = .seconds(3600) }) { server in
            try await server.addUser()
            let client = try await Self.addClient(server, receiver: "https://rp.example/backchannel-logout")
            let (code, _) = try await Self.tokens(server, Browser(), client: client)
            _ = try await server.exchange(code, client: client)
            let now = server.clock.wallClock.now()
            try await server.database.withStore { otherNode in
                let claimed = try await server.provider.store.claimBackchannelLogouts(at: now, leasedUntil: now + 60, limit: 10)
                #expect(claimed.map(\.clientID) == [client.id])
                #expect(claimed.first?.uri == "https://rp.example/backchannel-logout")
                #expect(try await otherNode.claimBackchannelLogouts(at: now, leasedUntil: now + 60, limit: 10).isEmpty)
                let reclaimed = try await otherNode.claimBackchannelLogouts(at: now + 61, leasedUntil: now + 120, limit: 10)
                #expect(reclaimed.map(\.attempts) == [2])
            }
        }
    }

    @Test("Back-Channel Logout §2.1: discovery advertises backchannel_logout_supported and backchannel_logout_session_supported")
    func discovery() async throws {
        try await TestServer.with(.sqlite) { server in
            let document = try await send(.GET, server.url("/.well-known/openid-configuration")).json
            #expect(document["backchannel_logout_supported"] as? Bool == true)
            #expect(document["backchannel_logout_session_supported"] as? Bool == true)
        }
    }

    @Test("tessera clients add|update --backchannel-logout-uri: https or loopback http, no fragment; --no-backchannel-logout; errors are one line")
    func commandLine() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let client = try await TesseraBinary.addClient(["--name", "App", "--redirect-uri", "https://app.example/cb",
                                                            "--backchannel-logout-uri", "https://app.example/backchannel-logout"],
                                                           database: database)
            for bad in [
                ["clients", "add", "--name", "x", "--redirect-uri", "https://a.example/cb", "--backchannel-logout-uri", "http://a.example/bcl"],
                ["clients", "add", "--name", "x", "--redirect-uri", "https://a.example/cb", "--backchannel-logout-uri", "https://a.example/bcl#f"],
                ["clients", "update", client.id, "--backchannel-logout-uri", "ftp://a.example/bcl"],
                ["clients", "update", client.id],
                ["clients", "update", client.id, "--backchannel-logout-uri", "https://a.example/bcl", "--no-backchannel-logout"],
                ["clients", "update", "no-such-client", "--no-backchannel-logout"],
            ] {
                let output = try await TesseraBinary.run(bad + ["--database", database], directory: directory)
                #expect(output.status != 0, "\(bad)")
                #expect(output.stderr.split(separator: "\n").count == 1, "\(bad): \(output.stderr)")
            }
            let updated = try await TesseraBinary.run(["clients", "update", client.id, "--backchannel-logout-uri", "http://127.0.0.1:4000/bcl",
                                                       "--database", database], directory: directory)
            #expect(updated.status == 0, "\(updated.stderr)")
            let stored = try await TestDatabaseURL(database).client(client.id)
            #expect(stored?.backchannelLogoutURI == "http://127.0.0.1:4000/bcl")
            let removed = try await TesseraBinary.run(["clients", "update", client.id, "--no-backchannel-logout", "--database", database],
                                                      directory: directory)
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(try await TestDatabaseURL(database).client(client.id)?.backchannelLogoutURI == nil)
        }
    }
}

/// Reads a client back from a database the `tessera` binary wrote.
private struct TestDatabaseURL {
    let url: String
    init(_ url: String) { self.url = url }

    func client(_ id: String) async throws -> Client? {
        let store = try await SQLStore.open(try DatabaseURL(parsing: url))
        return try await using(store, stop: { await $0.shutdown() }) { try await $0.client(id: id) }
    }
}
