import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Pushed authorization requests (RFC 9126) at the provider: `POST /oauth/par`, then `/authorize`
/// with `client_id` and the `request_uri`, over a real socket on both engines.
@Suite("RFC 9126: pushed authorization requests at the provider")
struct PushedAuthorizationTests {
    @Test("RFC 9126 §2.2: a pushed request answers 201 with a urn request_uri and expires_in ≤ 60, never cached", arguments: TestEngine.all)
    func pushAnswers201(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await server.push(client: client)
            #expect(response.status == 201)
            #expect(response.header("Cache-Control") == "no-store")
            let requestURI = try #require(response.json["request_uri"] as? String)
            #expect(requestURI.hasPrefix("urn:ietf:params:oauth:request_uri:"))
            #expect(requestURI.count > "urn:ietf:params:oauth:request_uri:".count + 40, "the reference carries 256 random bits")
            let expiresIn = try #require(response.json["expires_in"] as? Int)
            #expect(expiresIn > 0 && expiresIn <= 60)
            let second = try await server.push(client: client)
            #expect(second.json["request_uri"] as? String != requestURI, "every push gets its own reference")
        }
    }

    @Test("RFC 9126 §2.1: client_secret_post and a public client's client_id authenticate a push as at the token endpoint", arguments: TestEngine.all)
    func pushAuthenticationMethods(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let confidential = try await server.addClient()
            #expect(try await server.push(client: confidential, basic: false).status == 201)
            let spa = try await server.addClient(isPublic: true)
            let pkce = PKCE()
            #expect(try await server.push(client: spa, basic: false, extra: [("code_challenge", pkce.challenge), ("code_challenge_method", "S256")]).status == 201)
        }
    }

    @Test("RFC 9126 §2.1: an unauthenticated push, or one with a wrong secret, is refused with 401 invalid_client", arguments: TestEngine.all)
    func unauthenticatedPush(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let anonymous = try await server.push(client: client, authenticate: false)
            #expect(anonymous.status == 401)
            #expect(anonymous.oauthError == "invalid_client")
            let wrong = TestServer.RegisteredClient(id: client.id, secret: Secret("not-the-secret"))
            let refused = try await server.push(client: wrong)
            #expect(refused.status == 401)
            #expect(refused.oauthError == "invalid_client")
            #expect(refused.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
        }
    }

    @Test("RFC 9126 §2.1: a client_id in the body that is not the authenticated client is refused", arguments: TestEngine.all)
    func mismatchedClientID(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let other = try await server.addClient()
            let response = try await server.push(client: client, extra: [("client_id", other.id)])
            #expect(response.status == 400)
            #expect(response.oauthError == "invalid_request")
        }
    }

    @Test("RFC 9126 §4: 20 concurrent /authorize requests with one request_uri — exactly one is served the login page, the rest refused",
          arguments: TestEngine.all)
    func concurrentUseOfOneReference(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let url = server.parAuthorizeURL(client: client, requestURI: try await server.pushedRequestURI(client: client))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await Browser().get(url).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "one login page: \(statuses)")
            #expect(statuses.filter { $0 == 400 }.count == 19, "the others refused, never a 5xx: \(statuses)")
        }
    }

    @Test("RFC 9126 §2.3: a push with an unregistered redirect_uri is refused with JSON invalid_request, not a redirect", arguments: TestEngine.all)
    func unregisteredRedirectURI(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await server.push(client: client, extra: [("redirect_uri", "https://evil.example/callback")])
            #expect(response.status == 400)
            #expect(response.location == nil)
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(response.oauthError == "invalid_request")
            #expect((response.json["error_description"] as? String)?.contains("redirect_uri") == true)
        }
    }

    @Test("RFC 9126 §2.3: the pushed parameters pass /authorize's own validation, each refusal as a JSON error", arguments: TestEngine.all, [
        ([("response_type", "token")], "unsupported_response_type"),
        ([("code_challenge", PKCE().challenge), ("code_challenge_method", "plain")], "invalid_request"),
        ([("scope", "open\"id")], "invalid_scope"),
        ([("request", "eyJhbGciOiJub25lIn0.e30.")], "request_not_supported"),
        ([("request_uri", "urn:ietf:params:oauth:request_uri:abc")], "invalid_request"),
        ([("redirect_uri", "http://localhost:3000/callback\u{0}")], "invalid_request"),
        ([("scope", "openid\u{0}profile")], "invalid_request"),
    ])
    func validationErrors(engine: TestEngine, example: (extra: [(String, String)], error: String)) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let response = try await server.push(client: client, extra: example.extra)
            #expect(response.status == 400)
            #expect(response.location == nil)
            #expect(response.oauthError == example.error)
        }
    }

    @Test("RFC 9126 §2: the endpoint takes only POST, with its parameters in the body", arguments: TestEngine.all)
    func onlyPost(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let get = try await send(.GET, server.url("/oauth/par?client_id=\(client.id)"))
            #expect(get.status == 405)
            #expect(get.header("Allow") == "POST")
            let secret = try #require(client.secret)
            let form = formBody(server.pushParameters(client: client))
            let query = try await send(.POST, server.url("/oauth/par?response_type=code"),
                                       headers: [basicAuthorization(id: client.id, secret: secret), form.header], body: form.body)
            #expect(query.status == 400)
            #expect(query.oauthError == "invalid_request")
        }
    }

    @Test("RFC 9126 §4: /authorize with the request_uri logs in and gives a code; the same request_uri a second time is refused", arguments: TestEngine.all)
    func singleUse(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let requestURI = try await server.pushedRequestURI(client: client)
            let url = server.parAuthorizeURL(client: client, requestURI: requestURI)
            let callback = try await server.authorize(Browser(), authorizeURL: url)
            #expect(callback["state"] == "pushed-state")
            #expect(callback["iss"] == server.baseURL)
            let code = Secret(try #require(callback["code"]))
            let tokens = try await server.exchange(code, client: client)
            #expect(tokens.status == 200)
            #expect(tokens.json["id_token"] is String)

            let again = try await Browser().get(url)
            #expect(again.status == 400)
            #expect(again.location == nil)
            #expect(again.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(again.body.contains("already used"))
            #expect(again.body.contains("invalid_request_uri"))
        }
    }

    @Test("RFC 9126 §4: a user with a live session gets the code at once from the pushed request", arguments: TestEngine.all)
    func liveSession(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            let requestURI = try await server.pushedRequestURI(client: client)
            let response = try await browser.get(server.parAuthorizeURL(client: client, requestURI: requestURI))
            #expect(response.status == 302)
            #expect(response.locationQuery["code"] != nil)
            #expect(response.locationQuery["state"] == "pushed-state")
        }
    }

    @Test("RFC 9126 §4: an expired request_uri is refused with an error page", arguments: TestEngine.all)
    func expired(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let requestURI = try await server.pushedRequestURI(client: client)
            server.clock.advance(by: 61)
            let response = try await Browser().get(server.parAuthorizeURL(client: client, requestURI: requestURI))
            #expect(response.status == 400)
            #expect(response.location == nil)
            #expect(response.body.contains("expired"))
        }
    }

    @Test("RFC 9126 §4: a request_uri pushed by another client is refused, and stays usable by its own client", arguments: TestEngine.all)
    func otherClient(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let owner = try await server.addClient()
            let thief = try await server.addClient()
            try await server.addUser()
            let requestURI = try await server.pushedRequestURI(client: owner)
            let stolen = try await Browser().get(server.parAuthorizeURL(client: thief, requestURI: requestURI))
            #expect(stolen.status == 400)
            #expect(stolen.location == nil)
            let missing = try await Browser().get(server.url("/authorize?" + FormURLEncoding.encode([("request_uri", requestURI)])))
            #expect(missing.status == 400)
            #expect(missing.location == nil)
            let callback = try await server.authorize(Browser(), authorizeURL: server.parAuthorizeURL(client: owner, requestURI: requestURI))
            #expect(callback["code"] != nil)
        }
    }

    @Test("RFC 9126 §4: an unknown urn request_uri is refused with an error page; any other request_uri is not supported", arguments: TestEngine.all)
    func unknownReference(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let unknown = try await Browser().get(server.parAuthorizeURL(client: client, requestURI: PushedAuthorizationResponse.requestURIPrefix + "made-up"))
            #expect(unknown.status == 400)
            #expect(unknown.location == nil)
            #expect(unknown.body.contains("unknown"))
            let remote = try await Browser().get(server.authorizeURL(client: client, extra: [("request_uri", "https://client.example/request.jwt")]))
            #expect(remote.status == 302)
            #expect(remote.locationQuery["error"] == "request_uri_not_supported")
        }
    }

    @Test("RFC 9126 §4: PAR parameters win over query parameters (only client_id is read beside request_uri)", arguments: TestEngine.all)
    func pushedParametersWin(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            let requestURI = try await server.pushedRequestURI(client: client)
            let url = server.parAuthorizeURL(client: client, requestURI: requestURI) + "&" + FormURLEncoding.encode([
                ("state", "query-state"), ("redirect_uri", "https://evil.example/cb"), ("scope", "openid"), ("prompt", "none"),
            ])
            let callback = try await server.authorize(Browser(), authorizeURL: url)
            #expect(callback["state"] == "pushed-state")
            let tokens = try await server.exchange(Secret(try #require(callback["code"])), client: client)
            #expect((tokens.json["scope"] as? String)?.contains("email") == true, "the pushed scope, not the query's")
        }
    }

    @Test("RFC 9126 §6 require_pushed_authorization_requests: a --require-par client's plain /authorize is refused; its pushed one works", arguments: TestEngine.all)
    func requirePAR(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let registered = try await server.provider.administration.addClient(ClientRegistration(
                name: "PAR only", redirectURIs: [TestServer.redirectURI], requiresPushedAuthorization: true))
            let client = TestServer.RegisteredClient(id: registered.client.id, secret: registered.secret)
            try await server.addUser()
            let plain = try await Browser().get(server.authorizeURL(client: client, state: "s"))
            #expect(plain.status == 302)
            #expect(plain.locationQuery["error"] == "invalid_request")
            #expect(plain.locationQuery["error_description"]?.contains("requires pushed authorization requests") == true)
            #expect(plain.locationQuery["state"] == "s")
            #expect(plain.locationQuery["code"] == nil)
            let formPost = try await Browser().get(server.authorizeURL(client: client, state: "s", extra: [("response_mode", "form_post")]))
            let posted = try #require(FormPostPage(html: formPost.body), "the refusal keeps the requested response mode")
            #expect(posted.action == TestServer.redirectURI)
            #expect(posted.fields["error"] == "invalid_request")
            let callback = try await server.authorize(Browser(), authorizeURL: server.parAuthorizeURL(
                client: client, requestURI: try await server.pushedRequestURI(client: client)))
            #expect(callback["code"] != nil, "the login form's round trip carries the pushed request")
        }
    }

    @Test("RFC 9126 §6: `tessera clients add --require-par` stores the requirement; without the flag a client may still send a plain request", arguments: TestEngine.all)
    func requireParFlag(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { database in
            try await withTemporaryDirectory { directory in
                func add(_ name: String, _ flags: [String]) async throws -> String {
                    let output = try await TesseraBinary.run(["clients", "add", "--name", name, "--redirect-uri", TestServer.redirectURI, "--json",
                                                              "--database", database.urlText] + flags, directory: directory)
                    return try TesseraBinary.registeredClient(from: output).id
                }
                let strict = try await add("Strict", ["--require-par"])
                let relaxed = try await add("Relaxed", [])
                let stored = try await database.withStore { store in
                    (try await store.client(id: strict)?.requiresPushedAuthorization, try await store.client(id: relaxed)?.requiresPushedAuthorization)
                }
                #expect(stored.0 == true)
                #expect(stored.1 == false)
            }
        }
    }

    @Test("RFC 9126 §6: `tessera clients update --require-par` makes a client's plain /authorize invalid_request, --no-require-par allows it again; bad input is one stderr line and writes nothing",
          arguments: TestEngine.all)
    func updateRequirePAR(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser()
            func update(_ arguments: [String]) async throws -> TesseraBinary.Output {
                try await TesseraBinary.run(["clients", "update"] + arguments + ["--database", server.database.urlText],
                                            environment: ["TESSERA_MASTER_KEY": Data(TestServer.masterKey).base64EncodedString()])
            }
            func stored() async throws -> Client? { try await server.provider.store.client(id: client.id) }

            for bad in [["no-such-client", "--require-par"], [client.id, "--require-par", "--no-require-par"],
                        [client.id, "--require-par", "--backchannel-logout-uri", "ftp://app.example/bcl"]] {
                let output = try await update(bad)
                #expect(output.status != 0, "\(bad)")
                #expect(output.stderr.split(separator: "\n").count == 1, "\(bad): \(output.stderr)")
                #expect(output.stdout.isEmpty, "\(bad)")
            }
            #expect(try await stored()?.requiresPushedAuthorization == false, "the refused commands wrote nothing")
            #expect(try await stored()?.backchannelLogoutURI == nil)

            let required = try await update([client.id, "--require-par"])
            #expect(required.status == 0, "\(required.stderr)")
            let plain = try await Browser().get(server.authorizeURL(client: client, state: "s"))
            #expect(plain.status == 302)
            #expect(plain.locationQuery["error"] == "invalid_request")
            #expect(plain.locationQuery["error_description"]?.contains("requires pushed authorization requests") == true)
            #expect(plain.locationQuery["code"] == nil)

            let relaxed = try await update([client.id, "--no-require-par"])
            #expect(relaxed.status == 0, "\(relaxed.stderr)")
            #expect(try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client))["code"] != nil)

            // Both settings in one command, and the other settings left as they were.
            let both = try await update([client.id, "--require-par", "--backchannel-logout-uri", "https://app.example/bcl"])
            #expect(both.status == 0, "\(both.stderr)")
            #expect(try await stored()?.requiresPushedAuthorization == true)
            #expect(try await stored()?.backchannelLogoutURI == "https://app.example/bcl")
            #expect(try await stored()?.redirectURIs == [TestServer.redirectURI])
        }
    }

    @Test("RFC 9126 §5: discovery advertises pushed_authorization_request_endpoint and require_pushed_authorization_requests: false", arguments: TestEngine.all)
    func discovery(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
                let document = try await send(.GET, server.url(path)).json
                #expect(document["pushed_authorization_request_endpoint"] as? String == server.url("/oauth/par"))
                #expect(document["require_pushed_authorization_requests"] as? Bool == false)
            }
        }
    }

    @Test("RFC 9126 §4: expired pushed requests are collected with the other expired rows", arguments: TestEngine.all)
    func collected(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            _ = try await server.pushedRequestURI(client: client)
            let used = try await server.pushedRequestURI(client: client)
            _ = try await Browser().get(server.parAuthorizeURL(client: client, requestURI: used))
            #expect(try await server.provider.store.collectExpired(at: server.clock.wallClock.now()).pushedRequests == 0)
            server.clock.advance(by: 61)
            #expect(try await server.provider.store.collectExpired(at: server.clock.wallClock.now()).pushedRequests == 2)
        }
    }
}

extension TestServer {
    /// The authorization request a test pushes: a confidential client's, with a known state.
    func pushParameters(client: RegisteredClient, extra: [(String, String)] = []) -> [(String, String)] {
        var pairs: [(String, String)] = [
            ("response_type", "code"), ("redirect_uri", TestServer.redirectURI), ("scope", "openid profile email offline_access"),
            ("state", "pushed-state"), ("nonce", "pushed-nonce"),
        ]
        for (name, value) in extra {
            if let index = pairs.firstIndex(where: { $0.0 == name }) { pairs[index].1 = value } else { pairs.append((name, value)) }
        }
        return pairs
    }

    /// `POST /oauth/par`, Basic-authenticated unless `basic` is false (then client_secret_post, or a
    /// public client's bare client_id), or unauthenticated.
    func push(client: RegisteredClient, basic: Bool = true, authenticate: Bool = true, extra: [(String, String)] = [],
              headers extraHeaders: [(String, String)] = []) async throws -> HTTPResult {
        var pairs = pushParameters(client: client, extra: extra)
        var headers = extraHeaders
        if authenticate {
            if basic, let secret = client.secret {
                headers.append(basicAuthorization(id: client.id, secret: secret))
            } else {
                if !pairs.contains(where: { $0.0 == "client_id" }) { pairs.append(("client_id", client.id)) }
                if let secret = client.secret { pairs.append(("client_secret", secret.unredacted)) }
            }
        }
        let form = formBody(pairs)
        return try await send(.POST, url("/oauth/par"), headers: headers + [form.header], body: form.body)
    }

    /// The request_uri of a successful push.
    func pushedRequestURI(client: RegisteredClient) async throws -> String {
        let response = try await push(client: client)
        #expect(response.status == 201)
        let requestURI = try #require(response.json["request_uri"] as? String)
        ledger.record(Secret(requestURI))
        return requestURI
    }

    /// `/authorize` with only `client_id` and `request_uri`, as RFC 9126 §4 sends the browser.
    func parAuthorizeURL(client: RegisteredClient, requestURI: String) -> String {
        url("/authorize?" + FormURLEncoding.encode([("client_id", client.id), ("request_uri", requestURI)]))
    }
}
