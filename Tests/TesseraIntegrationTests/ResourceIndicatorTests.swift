import Foundation
import Testing
import TesseraClient
import TesseraCore

/// RFC 8707 resource indicators: `resource` accepted beside Auth0's `audience` at `/authorize`
/// (GET and POST), PAR and `/oauth/token`, with the same meaning and the same client grants.
@Suite("RFC 8707: resource indicators")
struct ResourceIndicatorTests {
    static let orders = ClientGrantTests.orders
    static let billing = ClientGrantTests.billing

    /// A server with both APIs, a client granted both, and Alice signed up.
    static func withClientOfBothAPIs(_ engine: TestEngine, _ body: (TestServer, TestServer.RegisteredClient) async throws -> Void) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, orders, scopes: "read:orders")
            try await server.grant(client, billing, scopes: "read:invoices")
            try await server.addUser()
            try await body(server, client)
        }
    }

    /// `/authorize` answered without a login: the redirect back to the client, its query parsed.
    static func refusal(_ server: TestServer, _ url: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: String] {
        let response = try await Browser().get(url)
        #expect(response.status == 302, "\(response.status): \(response.body.prefix(300))", sourceLocation: sourceLocation)
        #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true, sourceLocation: sourceLocation)
        let query = response.locationQuery
        #expect(query["state"] == "state-123", sourceLocation: sourceLocation)
        #expect(query["iss"] == server.baseURL, sourceLocation: sourceLocation)
        #expect(query["code"] == nil, sourceLocation: sourceLocation)
        #expect(query["error_description"]?.isEmpty == false, sourceLocation: sourceLocation)
        return query
    }

    /// An authorization URL with every `(name, value)` of `pairs` appended, repeated names kept.
    static func appending(_ url: String, _ pairs: [(String, String)]) -> String {
        url + "&" + FormURLEncoding.encode(pairs.map { (name: $0.0, value: $0.1) })
    }

    /// A code for `client`, logged in with `resource` (or other extra parameters) in the request.
    static func code(_ server: TestServer, _ client: TestServer.RegisteredClient, scope: String = "openid offline_access read:orders",
                     extra: [(String, String)]) async throws -> Secret {
        let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client, scope: scope, extra: extra))
        return Secret(try #require(query["code"], "no code in \(query)"))
    }

    @Test("RFC 8707 §2: resource at /authorize gives a JWT access token whose aud holds the API, GET and POST alike", arguments: TestEngine.all)
    func resourceAtAuthorize(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let tokens = try await server.exchange(try await Self.code(server, client, extra: [("resource", Self.orders)]), client: client)
            #expect(tokens.status == 200, "\(tokens.body)")
            #expect(tokens.json["scope"] as? String == "openid offline_access read:orders")
            let (claims, type) = try await server.verifyAccessToken(try #require(tokens.json["access_token"] as? String))
            #expect(type == "at+jwt")
            #expect(claims.aud.contains(Self.orders))
            #expect(claims.scope == "openid offline_access read:orders")

            // The same value as audience and resource is one API named twice, not a conflict.
            let both = try await server.exchange(
                try await Self.code(server, client, extra: [("resource", Self.orders), ("audience", Self.orders)]), client: client)
            #expect(try await server.verifyAccessToken(try #require(both.json["access_token"] as? String)).claims.aud.contains(Self.orders))

            // POST /authorize reads the same parameters.
            let browser = Browser()
            let pairs = try AuthorizePOSTTests.pairs(of: server.authorizeURL(client: client, extra: [("resource", Self.billing)]))
            let posted = try await browser.post(server.url("/authorize"), form: pairs)
            #expect(posted.locationQuery["error"] == "access_denied", "no grant for Billing: \(posted.status) \(posted.location ?? "")")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 8707 §2: resource beside a different audience is invalid_target, redirected to the client with state", arguments: TestEngine.all)
    func resourceAndDifferentAudience(engine: TestEngine) async throws {
        try await Self.withClientOfBothAPIs(engine) { server, client in
            let query = try await Self.refusal(server, server.authorizeURL(client: client, extra: [("resource", Self.orders), ("audience", Self.billing)]))
            #expect(query["error"] == "invalid_target")

            let posted = try await Browser().post(server.url("/authorize"), form: try AuthorizePOSTTests.pairs(
                of: server.authorizeURL(client: client, extra: [("resource", Self.billing), ("audience", Self.orders)])))
            #expect(posted.status == 302)
            #expect(posted.locationQuery["error"] == "invalid_target")
            #expect(posted.locationQuery["state"] == "state-123")
        }
    }

    @Test("RFC 8707 §2: two resources are invalid_target, not invalid_request: one token is for one API, as at Auth0", arguments: TestEngine.all)
    func twoResources(engine: TestEngine) async throws {
        try await Self.withClientOfBothAPIs(engine) { server, client in
            let url = Self.appending(server.authorizeURL(client: client), [("resource", Self.orders), ("resource", Self.billing)])
            let query = try await Self.refusal(server, url)
            #expect(query["error"] == "invalid_target")
            #expect(query["error_description"]?.contains("one") == true, "the description says why: \(query)")

            // Even the same API twice: several resource values are not what Tessera issues for.
            let twice = try await Self.refusal(server, Self.appending(server.authorizeURL(client: client),
                                                                     [("resource", Self.orders), ("resource", Self.orders)]))
            #expect(twice["error"] == "invalid_target")
            // Other parameters given twice stay invalid_request (RFC 6749 §3.1).
            let scopeTwice = try await Self.refusal(server, Self.appending(server.authorizeURL(client: client), [("scope", "openid")]))
            #expect(scopeTwice["error"] == "invalid_request")
        }
    }

    @Test("RFC 8707 §2: a resource with a fragment, or not an absolute URI, is invalid_target", arguments: TestEngine.all)
    func malformedResource(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            for resource in [Self.orders + "#section", "/orders", "api.example.com/orders", "https://api.example.com/a b"] {
                let query = try await Self.refusal(server, server.authorizeURL(client: client, extra: [("resource", resource)]))
                #expect(query["error"] == "invalid_target", "\(resource): \(query)")
            }
        }
    }

    @Test("RFC 8707 §2: a resource or audience that is not a registered API is invalid_target", arguments: TestEngine.all)
    func unknownAPI(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            for name in ["resource", "audience"] {
                let query = try await Self.refusal(server, server.authorizeURL(client: client, extra: [(name, "https://unknown.example/api")]))
                #expect(query["error"] == "invalid_target", "\(name): \(query)")
            }
        }
    }

    @Test("RFC 8707 §2: resource is limited by the client grant: none refuses a first-party client, permissions beyond it are dropped",
          arguments: TestEngine.all)
    func limitedByClientGrant(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let ungranted = try await server.addClient()
            let refused = try await Self.refusal(server, server.authorizeURL(client: ungranted, extra: [("resource", Self.orders)]))
            #expect(refused["error"] == "access_denied")

            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let code = try await Self.code(server, client, scope: "openid read:orders write:orders", extra: [("resource", Self.orders)])
            let tokens = try await server.exchange(code, client: client)
            #expect(tokens.json["scope"] as? String == "openid read:orders")
            let (claims, _) = try await server.verifyAccessToken(try #require(tokens.json["access_token"] as? String))
            #expect(claims.scope == "openid read:orders", "write:orders is not granted")
        }
    }

    @Test("RFC 8707 §2 with RFC 9126: a pushed resource behaves as at /authorize", arguments: TestEngine.all)
    func pushedResource(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let pushed = try await server.push(client: client, extra: [("resource", Self.orders), ("scope", "openid read:orders write:orders")])
            #expect(pushed.status == 201, "\(pushed.body)")
            let requestURI = try #require(pushed.json["request_uri"] as? String)
            server.ledger.record(Secret(requestURI))
            let callback = try await server.authorize(Browser(), authorizeURL: server.parAuthorizeURL(client: client, requestURI: requestURI))
            let tokens = try await server.exchange(Secret(try #require(callback["code"])), client: client)
            #expect(tokens.json["scope"] as? String == "openid read:orders")
            #expect(try await server.verifyAccessToken(try #require(tokens.json["access_token"] as? String)).claims.aud.contains(Self.orders))

            for (extra, code) in [
                ([("resource", Self.orders), ("resource", Self.billing)], "invalid_target"),
                ([("resource", Self.orders), ("audience", Self.billing)], "invalid_target"),
                ([("resource", Self.orders + "#frag")], "invalid_target"),
                ([("resource", "https://unknown.example/api")], "invalid_target"),
                ([("resource", Self.billing)], "access_denied"),
            ] {
                let form = formBody(server.pushParameters(client: client) + extra)
                let refused = try await send(.POST, server.url("/oauth/par"),
                                             headers: [basicAuthorization(id: client.id, secret: client.secret!), form.header], body: form.body)
                #expect(refused.status == 400, "\(extra): \(refused.body)")
                #expect(refused.oauthError == code, "\(extra): \(refused.body)")
            }
        }
    }

    @Test("RFC 8707 §2: client_credentials names its API with resource instead of audience, under the same rules", arguments: TestEngine.all)
    func clientCredentialsWithResource(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")
            let response = try await server.token([("grant_type", "client_credentials"), ("resource", Self.orders),
                                                   ("scope", "read:orders write:orders")], client: machine)
            #expect(response.status == 200, "\(response.body)")
            #expect(response.json["scope"] as? String == "read:orders")
            let (claims, type) = try await server.verifyAccessToken(try #require(response.json["access_token"] as? String))
            #expect(type == "at+jwt")
            #expect(claims.aud == [Self.orders])

            let same = try await server.token([("grant_type", "client_credentials"), ("resource", Self.orders), ("audience", Self.orders)],
                                              client: machine)
            #expect(same.status == 200)
            for pairs in [
                [("resource", Self.orders), ("audience", Self.billing)],
                [("resource", Self.orders), ("resource", Self.billing)],
                [("resource", Self.orders), ("resource", Self.orders)],
                [("resource", "orders")],
                [("resource", Self.orders + "#x")],
                [("resource", "https://unknown.example/api")],
            ] {
                let refused = try await server.token([("grant_type", "client_credentials")] + pairs, client: machine)
                TokenEndpointErrorTests.expectError(refused, "invalid_target")
            }
            TokenEndpointErrorTests.expectError(try await server.token([("grant_type", "client_credentials"), ("resource", Self.billing)], client: machine),
                                                "unauthorized_client")
        }
    }

    @Test("RFC 8707 §2: in a JSON token request, resource is a string or an array; several, or a repeated key, are invalid_target",
          arguments: TestEngine.all)
    func jsonBody(engine: TestEngine) async throws {
        try await ClientGrantTests.withAPIs(engine) { server in
            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")
            func post(_ json: String) async throws -> HTTPResult {
                try await send(.POST, server.url("/oauth/token"),
                               headers: [basicAuthorization(id: machine.id, secret: machine.secret!), ("Content-Type", "application/json")], body: json)
            }
            let grantType = #""grant_type":"client_credentials""#
            #expect(try await post(#"{\#(grantType),"resource":"\#(Self.orders)"}"#).status == 200)
            #expect(try await post(#"{\#(grantType),"resource":["\#(Self.orders)"]}"#).status == 200)
            TokenEndpointErrorTests.expectError(try await post(#"{\#(grantType),"resource":["\#(Self.orders)","\#(Self.billing)"]}"#), "invalid_target")
            TokenEndpointErrorTests.expectError(try await post(#"{\#(grantType),"resource":"\#(Self.orders)","resource":"\#(Self.billing)"}"#),
                                                "invalid_target")
            TokenEndpointErrorTests.expectError(try await post(#"{\#(grantType),"resource":[1]}"#), "invalid_request")
        }
    }

    @Test("RFC 8707 §2.2: a code exchanged with the grant's resource works; with another it is invalid_target and the code is burnt",
          arguments: TestEngine.all)
    func codeExchangeResource(engine: TestEngine) async throws {
        try await Self.withClientOfBothAPIs(engine) { server, client in
            func exchange(_ code: Secret, _ extra: [(String, String)]) async throws -> HTTPResult {
                try await server.token([("grant_type", "authorization_code"), ("code", code.unredacted),
                                        ("redirect_uri", TestServer.redirectURI)] + extra, client: client)
            }

            let named = try await exchange(try await Self.code(server, client, extra: [("resource", Self.orders)]), [("resource", Self.orders)])
            #expect(named.status == 200, "\(named.body)")
            #expect(try await server.verifyAccessToken(try #require(named.json["access_token"] as? String)).claims.aud.contains(Self.orders))

            // Another API, even one the client is granted: the user authorized Orders only.
            let code = try await Self.code(server, client, extra: [("resource", Self.orders)])
            TokenEndpointErrorTests.expectError(try await exchange(code, [("resource", Self.billing)]), "invalid_target")
            let again = try await exchange(code, [])
            TokenEndpointErrorTests.expectError(again, "invalid_grant")
            #expect((again.json["error_description"] as? String)?.contains("already been used") == true,
                    "consumed like a code with a wrong redirect_uri: \(again.body)")

            // A request that is itself malformed is refused before the code is touched.
            let kept = try await Self.code(server, client, extra: [("resource", Self.orders)])
            TokenEndpointErrorTests.expectError(try await exchange(kept, [("resource", Self.orders), ("resource", Self.billing)]), "invalid_target")
            TokenEndpointErrorTests.expectError(try await exchange(kept, [("resource", Self.orders), ("audience", Self.billing)]), "invalid_target")
            #expect(try await exchange(kept, []).status == 200, "the code survived requests refused before consumption")

            // A code for no API cannot be turned into a token for one.
            let plain = try await server.code(for: client)
            TokenEndpointErrorTests.expectError(try await exchange(plain, [("resource", Self.orders)]), "invalid_target")
        }
    }

    @Test("RFC 8707 §2.2: refresh with the grant's resource works; another is invalid_target and the refresh token stays usable",
          arguments: TestEngine.all)
    func refreshResource(engine: TestEngine) async throws {
        try await Self.withClientOfBothAPIs(engine) { server, client in
            let first = try await server.exchange(try await Self.code(server, client, extra: [("resource", Self.orders)]), client: client)
            let refreshToken = try #require(first.json["refresh_token"] as? String)
            func refresh(_ token: String, _ extra: [(String, String)]) async throws -> HTTPResult {
                try await server.token([("grant_type", "refresh_token"), ("refresh_token", token)] + extra, client: client)
            }

            for extra in [[("resource", Self.billing)], [("resource", "https://unknown.example/api")],
                          [("resource", Self.orders), ("resource", Self.billing)]] {
                TokenEndpointErrorTests.expectError(try await refresh(refreshToken, extra), "invalid_target")
            }
            let refreshed = try await refresh(refreshToken, [("resource", Self.orders)])
            #expect(refreshed.status == 200, "the refused refreshes rotated nothing: \(refreshed.body)")
            let (claims, _) = try await server.verifyAccessToken(try #require(refreshed.json["access_token"] as? String))
            #expect(claims.aud.contains(Self.orders))
            #expect(claims.scope == "openid offline_access read:orders")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 8707 §2: TesseraClient sends resource at authorization (pushed) and in client_credentials, and gets tokens for the API")
    func relyingParty() async throws {
        try await ClientGrantTests.withAPIs(.sqlite) { server in
            let client = try await server.addClient()
            try await server.grant(client, Self.orders, scopes: "read:orders")
            try await server.addUser()
            let oidc = try await server.oidcClient(for: client)
            let request = try await oidc.authorizationRequest(scope: "openid read:orders", additionalParameters: [("resource", Self.orders)])
            server.ledger.record(request.pending.codeVerifier)
            #expect(request.url.query?.contains("request_uri") == true, "the resource travelled in the pushed request")
            let callback = try await server.authorize(Browser(), authorizeURL: request.url.absoluteString)
            let tokens = try await oidc.handleCallback(query: FormURLEncoding.encode(callback.map { (name: $0.key, value: $0.value) }),
                                                       pending: request.pending)
            server.ledger.record(tokens.response)
            #expect(try await server.verifyAccessToken(tokens.accessToken.unredacted).claims.aud.contains(Self.orders))

            let machine = try await server.addClient(grantTypes: [.clientCredentials])
            try await server.grant(machine, Self.orders, scopes: "read:orders")
            let machineClient = try await server.oidcClient(for: machine)
            let post = try TokenEndpoint.request(.clientCredentials(resource: Self.orders, scope: "read:orders"),
                                                 metadata: try await machineClient.metadata(), configuration: machineClient.configuration)
            let response = try TokenEndpoint.process(try await AsyncHTTPClientTransport().send(post))
            server.ledger.record(response)
            #expect(try await server.verifyAccessToken(response.accessToken.unredacted).claims.aud == [Self.orders])
        }
    }
}
