import Foundation
import Testing
import TesseraCore
import TesseraServer

/// RFC 7592 client configuration: a self-registered client reads, replaces and deletes its own
/// registration with its registration access token — and nobody else's.
@Suite("RFC 7592: dynamic client registration management")
struct RegistrationManagementTests {
    @Test("RFC 7592 §2.1, §3: the registration access token reads the client's metadata, without its secret, and is rotated",
          arguments: TestEngine.all)
    func readOwnRegistration(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let client = try await server.registerClient(["client_name": "Reader", "scope": "openid"])
            let read = try await server.manage(.GET, client.registrationClientURI, token: client.registrationAccessToken)
            #expect(read.status == 200, "\(read.body)")
            #expect(read.header("Cache-Control") == "no-store")
            #expect(read.json["client_id"] as? String == client.id)
            #expect(read.json["client_name"] as? String == "Reader")
            #expect(read.json["scope"] as? String == "openid")
            #expect(read.json["redirect_uris"] as? [String] == [TestServer.redirectURI])
            #expect(read.json["registration_client_uri"] as? String == client.registrationClientURI)
            #expect(read.json["client_secret"] == nil, "the secret is shown once, at registration; only its hash is kept")
            let rotated = Secret(try #require(read.json["registration_access_token"] as? String, "RFC 7592 §3 requires one"))
            server.ledger.record(rotated)
            #expect(rotated != client.registrationAccessToken)
            try await server.manage(.GET, client.registrationClientURI, token: client.registrationAccessToken).expectInvalidToken()
            #expect(try await server.manage(.GET, client.registrationClientURI, token: rotated).status == 200, "the new token reads it")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("attack: RFC 7592 GET, PUT and DELETE with another client's registration access token are 401 invalid_token and change nothing",
          arguments: TestEngine.all)
    func anotherClientsToken(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let victim = try await server.registerClient(["client_name": "Victim"])
            let attacker = try await server.registerClient(["client_name": "Attacker"])
            let token = attacker.registrationAccessToken
            let read = try await server.manage(.GET, victim.registrationClientURI, token: token)
            read.expectInvalidToken()
            #expect(!read.body.contains("Victim") && !read.body.contains(TestServer.redirectURI), "nothing of the victim is revealed")
            try await server.manage(.PUT, victim.registrationClientURI, token: token, body: [
                "client_id": victim.id, "client_name": "Hijacked", "redirect_uris": ["https://attacker.example/cb"],
            ]).expectInvalidToken()
            try await server.manage(.DELETE, victim.registrationClientURI, token: token).expectInvalidToken()
            let stored = try #require(try await server.provider.store.client(id: victim.id), "the victim still exists")
            #expect(stored.name == "Victim")
            #expect(stored.redirectURIs == [TestServer.redirectURI])
        }
    }

    @Test("RFC 7592 §2: without a registration access token, or with a made-up one, every call is 401 invalid_token with a Bearer challenge",
          arguments: TestEngine.all)
    func missingToken(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let client = try await server.registerClient()
            for token in [nil, Secret("made-up-token")] {
                try await server.manage(.GET, client.registrationClientURI, token: token).expectInvalidToken()
                try await server.manage(.PUT, client.registrationClientURI, token: token, body: ["client_id": client.id, "client_name": "X",
                                                                                                 "redirect_uris": [TestServer.redirectURI]])
                    .expectInvalidToken()
                try await server.manage(.DELETE, client.registrationClientURI, token: token).expectInvalidToken()
            }
            try await server.manage(.GET, server.url("/oauth/register/no-such-client"), token: client.registrationAccessToken).expectInvalidToken()
            #expect(try await server.provider.store.client(id: client.id)?.name == "Dynamic App")
        }
    }

    @Test("RFC 7592: a client an administrator added cannot be read, changed or deleted through the registration endpoint",
          arguments: TestEngine.all)
    func administratorsClientsUnmanageable(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let added = try await server.addClient()
            let registered = try await server.registerClient()
            let uri = server.url("/oauth/register/\(added.id)")
            for token in [registered.registrationAccessToken, try #require(added.secret)] {
                try await server.manage(.GET, uri, token: token).expectInvalidToken()
                try await server.manage(.DELETE, uri, token: token).expectInvalidToken()
            }
            #expect(try await server.provider.store.client(id: added.id) != nil)
        }
    }

    @Test("RFC 7592 §2.2: PUT replaces the metadata and keeps client_id and secret; another client_id or client_secret is refused",
          arguments: TestEngine.all)
    func updateReplacesMetadata(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            let client = try await server.registerClient(["client_name": "Before", "scope": "openid"])
            let secret = try #require(client.secret)
            let token = client.registrationAccessToken
            let replacement: [String: Any] = ["client_id": client.id, "client_name": "After", "redirect_uris": ["https://after.example/cb"]]

            try await server.manage(.PUT, client.registrationClientURI, token: token, body: replacement.merging(["client_id": "other"]) { $1 })
                .expectRegistrationError("invalid_client_metadata")
            try await server.manage(.PUT, client.registrationClientURI, token: token,
                                    body: replacement.merging(["client_secret": "not-the-secret"]) { $1 })
                .expectRegistrationError("invalid_client_metadata")
            try await server.manage(.PUT, client.registrationClientURI, token: token,
                                    body: replacement.merging(["redirect_uris": ["https://after.example/cb#x"]]) { $1 })
                .expectRegistrationError("invalid_redirect_uri")
            try await server.manage(.PUT, client.registrationClientURI, token: token,
                                    body: replacement.merging(["token_endpoint_auth_method": "none"]) { $1 })
                .expectRegistrationError("invalid_client_metadata")
            #expect(try await server.provider.store.client(id: client.id)?.name == "Before", "a refused update wrote nothing")

            let updated = try await server.manage(.PUT, client.registrationClientURI, token: token,
                                                  body: replacement.merging(["client_secret": secret.unredacted]) { $1 })
            #expect(updated.status == 200, "\(updated.body)")
            #expect(updated.json["client_id"] as? String == client.id)
            #expect(updated.json["client_name"] as? String == "After")
            #expect(updated.json["redirect_uris"] as? [String] == ["https://after.example/cb"])
            #expect(updated.json["scope"] == nil, "a replacement leaves out what it does not send")
            let stored = try #require(try await server.provider.store.client(id: client.id))
            #expect(stored.name == "After")
            #expect(stored.secretHash?.matches(SecretHash(of: secret)) == true, "the secret is kept")
            #expect(stored.isThirdParty)
            let next = Secret(try #require(updated.json["registration_access_token"] as? String))
            server.ledger.record(next)
            try await server.manage(.GET, client.registrationClientURI, token: token).expectInvalidToken()
            #expect(try await server.manage(.GET, client.registrationClientURI, token: next).json["client_name"] as? String == "After",
                    "the token the update answered with reads the new metadata")
            server.ledger.expectNoneLogged()
        }
    }

    @Test("RFC 7592 §2.3: DELETE answers 204; the client's tokens stop working and it can get no new ones", arguments: TestEngine.all)
    func deleteRevokesEverything(engine: TestEngine) async throws {
        try await TestServer.registering(engine) { server in
            try await server.addUser()
            let client = try await server.registerClient(["grant_types": ["authorization_code", "refresh_token"]])
            let code = try await server.code(for: client.registered)
            let tokens = try await server.exchange(code, client: client.registered)
            #expect(tokens.status == 200, "\(tokens.body)")
            let accessToken = try #require(tokens.json["access_token"] as? String)
            let refreshToken = try #require(tokens.json["refresh_token"] as? String)
            #expect(try await server.userInfo(accessToken).status == 200)

            let deleted = try await server.manage(.DELETE, client.registrationClientURI, token: client.registrationAccessToken)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)

            #expect(try await server.userInfo(accessToken).status == 401, "the access token died with its client")
            #expect(try await server.refresh(refreshToken, client: client.registered).oauthError == "invalid_client")
            #expect(try await server.exchange(code, client: client.registered).oauthError == "invalid_client")
            let authorize = try await Browser().get(server.authorizeURL(client: client.registered))
            #expect(authorize.status == 400, "an unknown client gets an error page, no redirect")
            try await server.manage(.GET, client.registrationClientURI, token: client.registrationAccessToken).expectInvalidToken()
            #expect(try await server.provider.store.client(id: client.id) == nil)
            server.ledger.expectNoneLogged()
        }
    }
}
