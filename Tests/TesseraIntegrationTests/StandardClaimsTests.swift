import Foundation
import Testing
import TesseraCore
import TesseraServer

/// Standard claims (OpenID Connect Core §5.1), released by scope (§5.4) and by the `claims`
/// parameter (§5.5), at userinfo and in the id_token.
@Suite("Standard claims, scopes and the claims parameter (OIDC Core §5.1, §5.4, §5.5)")
struct StandardClaimsTests {
    /// A user with every standard claim.
    static var fullProfile: ProfileChange {
        get throws {
            try ProfileChange(claims: [
                "given_name=Alice", "family_name=Example", "middle_name=Q", "nickname=Al", "preferred_username=alice",
                "profile=https://alice.example/", "picture=https://alice.example/me.png", "website=https://blog.alice.example/",
                "gender=female", "birthdate=0000-04-01", "zoneinfo=Europe/Paris", "locale=fr-FR",
                "phone_number=+33 1 23 45 67 89", "phone_number_verified=true",
            ], addressJSON: #"{"street_address": "1 rue de Rivoli", "locality": "Paris", "postal_code": "75001", "country": "FR"}"#)
        }
    }

    // Written out here, not read from StandardClaims, so a wrong mapping there fails the test.
    static let profileClaims: Set = ["name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
                                     "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"]
    static let emailClaims: Set = ["email", "email_verified"]
    static let addressClaims: Set = ["address"]
    static let phoneClaims: Set = ["phone_number", "phone_number_verified"]

    /// A server with a client and alice, with `profile`, for `body`.
    static func withAlice(_ engine: TestEngine, profile: ProfileChange = ProfileChange(),
                          _ body: (TestServer, TestServer.RegisteredClient) async throws -> Void) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            try await server.addUser(profile: profile)
            try await body(server, client)
        }
    }

    /// The tokens of a login as alice with `scope` and, when given, a `claims` parameter.
    static func login(_ server: TestServer, client: TestServer.RegisteredClient, scope: String,
                      claims: String? = nil) async throws -> [String: Any] {
        let url = server.authorizeURL(client: client, scope: scope, extra: claims.map { [("claims", $0)] } ?? [])
        let query = try await server.authorize(Browser(), authorizeURL: url)
        let code = Secret(try #require(query["code"], "no code in \(query)"))
        let tokens = try await server.exchange(code, client: client)
        #expect(tokens.status == 200, "\(tokens.body)")
        return tokens.json
    }

    static func userInfo(_ server: TestServer, _ tokens: [String: Any]) async throws -> [String: Any] {
        let info = try await server.userInfo(try #require(tokens["access_token"] as? String))
        #expect(info.status == 200, "\(info.body)")
        return info.json
    }

    @Test("oidcc-scope-profile, -email, -address, -phone, -all: userinfo returns exactly sub and the claims of the scope (OIDC Core §5.4)",
          arguments: TestEngine.all)
    func scopes(engine: TestEngine) async throws {
        try await Self.withAlice(engine, profile: try Self.fullProfile) { server, client in
            let cases: [(scope: String, claims: Set<String>)] = [
                ("openid profile", Self.profileClaims),
                ("openid email", Self.emailClaims),
                ("openid address", Self.addressClaims),
                ("openid phone", Self.phoneClaims),
                ("openid profile email address phone", Self.profileClaims.union(Self.emailClaims).union(Self.addressClaims).union(Self.phoneClaims)),
            ]
            for (scope, claims) in cases {
                let tokens = try await Self.login(server, client: client, scope: scope)
                #expect(tokens["scope"] as? String == scope)
                let info = try await Self.userInfo(server, tokens)
                #expect(Set(info.keys) == claims.union(["sub"]), "\(scope)")
            }
            let all = try await Self.userInfo(server, try await Self.login(server, client: client, scope: "openid profile email address phone"))
            #expect(all["given_name"] as? String == "Alice")
            #expect(all["birthdate"] as? String == "0000-04-01")
            #expect(all["phone_number_verified"] as? Bool == true)
            #expect(all["email_verified"] as? Bool == true)
            #expect(all["updated_at"] is Int, "updated_at is a number of seconds (§5.1)")
            let address = try #require(all["address"] as? [String: String])
            #expect(address == ["street_address": "1 rue de Rivoli", "locality": "Paris", "postal_code": "75001", "country": "FR"])
        }
    }

    @Test("oidcc-claims-essential: name asked for as essential at userinfo comes back with scope=openid, and not in the id_token (an access token was issued)",
          arguments: TestEngine.all)
    func essential(engine: TestEngine) async throws {
        try await Self.withAlice(engine) { server, client in
            let tokens = try await Self.login(server, client: client, scope: "openid",
                                              claims: #"{"userinfo": {"name": {"essential": true}}}"#)
            let info = try await Self.userInfo(server, tokens)
            #expect(info["name"] as? String == "Alice Example")
            #expect(info["email"] == nil, "only what was asked for")
            let idToken = try jwtPayload(try #require(tokens["id_token"] as? String))
            #expect(idToken["name"] == nil)
        }
    }

    @Test("OIDC Core §5.5: the claims parameter's id_token member puts the claim in the id_token without its scope, and not at userinfo",
          arguments: TestEngine.all)
    func idTokenMember(engine: TestEngine) async throws {
        try await Self.withAlice(engine, profile: try Self.fullProfile) { server, client in
            let tokens = try await Self.login(server, client: client, scope: "openid",
                                              claims: #"{"id_token": {"email": null, "phone_number": {"essential": true}, "no_such_claim": null}}"#)
            let idToken = try jwtPayload(try #require(tokens["id_token"] as? String))
            #expect(idToken["email"] as? String == "alice@example.com")
            #expect(idToken["phone_number"] as? String == "+33 1 23 45 67 89")
            #expect(idToken["no_such_claim"] == nil)
            #expect(idToken["given_name"] == nil)
            let info = try await Self.userInfo(server, tokens)
            #expect(Set(info.keys) == ["sub"])
        }
    }

    @Test("OIDC Core §5.5: the claims parameter is kept with the grant, so a refreshed id_token and its access token's userinfo still honour it",
          arguments: TestEngine.all)
    func survivesRefresh(engine: TestEngine) async throws {
        try await Self.withAlice(engine, profile: try Self.fullProfile) { server, client in
            let tokens = try await Self.login(server, client: client, scope: "openid offline_access",
                                              claims: #"{"id_token": {"given_name": null}, "userinfo": {"picture": {"essential": true}}}"#)
            let refreshed = try await server.refresh(try #require(tokens["refresh_token"] as? String), client: client)
            #expect(refreshed.status == 200, "\(refreshed.body)")
            let idToken = try jwtPayload(try #require(refreshed.json["id_token"] as? String))
            #expect(idToken["given_name"] as? String == "Alice")
            #expect(idToken["picture"] == nil)
            let info = try await Self.userInfo(server, refreshed.json)
            #expect(Set(info.keys) == ["sub", "picture"])
        }
    }

    @Test("OIDC Core §5.5: a malformed claims parameter is invalid_request at the redirect URI, with state", arguments: [
        "not json", "[]", #"{"userinfo": ["name"]}"#, #"{"id_token": {"email": true}}"#, #"{"userinfo": {"name": {"essential": "yes"}}}"#,
        #"{"id_token": {"acr": {"values": "urn:a"}}}"#,
    ])
    func malformed(claims: String) async throws {
        try await TestServer.with(.sqlite) { server in
            let client = try await server.addClient()
            let response = try await Browser().get(server.authorizeURL(client: client, extra: [("claims", claims)]))
            #expect(response.status == 302)
            #expect(response.location?.hasPrefix(TestServer.redirectURI) == true)
            #expect(response.locationQuery["error"] == "invalid_request")
            #expect(response.locationQuery["error_description"]?.contains("claims") == true)
            #expect(response.locationQuery["state"] == "state-123")
        }
    }

    @Test("users update: a changed claim reaches userinfo with a later updated_at; an unset one is gone", arguments: TestEngine.all)
    func update(engine: TestEngine) async throws {
        try await Self.withAlice(engine, profile: try Self.fullProfile) { server, client in
            let before = try await Self.userInfo(server, try await Self.login(server, client: client, scope: "openid profile"))
            server.clock.advance(by: 60)
            let changed = try ProfileChange(name: "Alice Changed", claims: ["locale=en-GB"], unset: ["nickname", "picture"])
            _ = try await server.provider.administration.updateUser(email: "ALICE@example.com", profile: changed)
            let after = try await Self.userInfo(server, try await Self.login(server, client: client, scope: "openid profile"))
            #expect(after["name"] as? String == "Alice Changed")
            #expect(after["locale"] as? String == "en-GB")
            #expect(after["nickname"] == nil && after["picture"] == nil)
            #expect(after["given_name"] as? String == "Alice", "claims not named are kept")
            #expect(try #require(after["updated_at"] as? Int) == (try #require(before["updated_at"] as? Int)) + 60)
        }
    }

    @Test("discovery: the phone and address scopes, claims_supported listing exactly what Tessera returns, claims_parameter_supported")
    func discovery() async throws {
        try await TestServer.with(.sqlite) { server in
            let document = try await send(.GET, server.url("/.well-known/openid-configuration")).json
            #expect(document["scopes_supported"] as? [String] == ["openid", "profile", "email", "address", "phone", "offline_access"])
            let claims = try #require(document["claims_supported"] as? [String])
            // The user's claims exactly; beside them only id_token claims about the authentication.
            let protocolClaims: Set = ["iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "sub", "acr", "amr", "azp"]
            #expect(Set(claims).subtracting(protocolClaims) ==
                    Self.profileClaims.union(Self.emailClaims).union(Self.addressClaims).union(Self.phoneClaims))
            #expect(claims.contains("sub"))
            #expect(claims.count == Set(claims).count, "no claim listed twice")
            #expect(document["claims_parameter_supported"] as? Bool == true)
        }
    }
}

/// The payload of a compact JWS, as JSON (the signature is checked elsewhere; here the claims matter).
func jwtPayload(_ token: String) throws -> [String: Any] {
    let parts = token.split(separator: ".")
    let bytes = try #require(parts.count == 3 ? Base64URL.decode(String(parts[1])) : nil)
    return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

/// OpenID Connect Core §5.5.1: a `sub` value in the claims parameter's id_token member.
@Suite("The claims parameter naming a sub (OIDC Core §5.5.1)")
struct RequiredSubjectTests {
    @Test("OIDC Core §5.5.1: an id_token sub value for another user gets no code — prompt=none: login_required; a login as someone else: access_denied",
          arguments: TestEngine.all)
    func otherSubject(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let alice = try await server.addUser()
            try await server.addUser(email: "bob@example.com", name: "Bob")
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))   // alice's session
            let forAnother = #"{"id_token": {"sub": {"value": "user_someone_else"}}}"#
            let silent = try await browser.get(server.authorizeURL(client: client, extra: [("claims", forAnother), ("prompt", "none")]))
            #expect(silent.locationQuery["error"] == "login_required")
            #expect(silent.locationQuery["code"] == nil)

            let shown = try await browser.get(server.authorizeURL(client: client, extra: [("claims", forAnother)]))
            #expect(shown.status == 200, "alice's session does not answer for another sub: the login page")
            let form = try #require(LoginForm(html: shown.body))
            let loggedIn = try await browser.post(server.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "bob@example.com"), ("password", TestServer.password),
            ])
            #expect(loggedIn.locationQuery["error"] == "access_denied")
            #expect(loggedIn.locationQuery["code"] == nil)

            let forAlice = #"{"id_token": {"sub": {"value": "\#(alice.id)"}}}"#
            let query = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client, extra: [("claims", forAlice)]))
            let tokens = try await server.exchange(Secret(try #require(query["code"])), client: client)
            #expect(try jwtPayload(try #require(tokens.json["id_token"] as? String))["sub"] as? String == alice.id)
        }
    }
}
