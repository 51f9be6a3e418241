import Foundation
import Testing
import TesseraCore

/// `tessera clients add --third-party` and `tessera users consents list|revoke`, against a
/// `tessera serve` process on the same database.
@Suite("tessera users consents list|revoke, clients add --third-party")
struct ConsentCommandTests {
    static let orders = "https://api.example.com/orders"

    /// `users consents list --email EMAIL --json`, parsed.
    static func list(_ email: String, database: String) async throws -> [[String: Any]] {
        let output = try await TesseraBinary.run(["users", "consents", "list", "--email", email, "--json", "--database", database])
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]], "\(output.stdout)")
    }

    /// A fresh SQLite database with Alice and a third-party client added by the CLI, for `body`.
    static func withThirdPartyClient(_ body: (_ directory: URL, _ database: String, _ client: TestServer.RegisteredClient) async throws -> Void)
        async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let client = try await TesseraBinary.addClient(["--name", "Outside App", "--redirect-uri", TestServer.redirectURI, "--third-party"],
                                                           database: database)
            try await TesseraBinary.addUser(email: "alice@example.com", password: TestServer.password, database: database)
            try await body(directory, database, client)
        }
    }

    @Test("clients add --third-party: that client's users see the consent page; a client added without the flag is first-party (no page)")
    func thirdPartyFlag() async throws {
        try await Self.withThirdPartyClient { directory, database, thirdParty in
            let firstParty = try await TesseraBinary.addClient(["--name", "Own App", "--redirect-uri", TestServer.redirectURI], database: database)
            let server = try await ServeProcess(arguments: ["--database", database], directory: directory)
            let remote = RemoteServer(baseURL: server.baseURL, ledger: SecretLedger())

            let page = try await remote.logIn(Browser(), remote.authorizeURL(client: thirdParty, scope: "openid"))
            #expect(page.isConsentPage, "--third-party stored: \(page.status)")
            #expect(page.body.contains("Outside App"))
            let own = try await remote.logIn(Browser(), remote.authorizeURL(client: firstParty, scope: "openid"))
            #expect(own.status == 302)
            #expect(own.locationQuery["code"] != nil, "without the flag a client is first-party")
            #expect(await server.terminate() == 0)
        }
    }

    @Test("users consents list, then revoke: the consent goes, the client's refresh token is invalid_grant, its access token inactive at /userinfo, and the next authorization asks again")
    func listAndRevoke() async throws {
        try await Self.withThirdPartyClient { directory, database, client in
            let api = try await TesseraBinary.run(["apis", "add", "--identifier", Self.orders, "--name", "Orders", "--scope", "read:orders",
                                                   "--database", database])
            #expect(api.status == 0, "\(api.stderr)")
            let server = try await ServeProcess(arguments: ["--database", database], directory: directory)
            let remote = RemoteServer(baseURL: server.baseURL, ledger: SecretLedger())

            #expect(try await Self.list("alice@example.com", database: database).isEmpty)
            let browser = Browser()
            let authorizeURL = remote.authorizeURL(client: client, scope: "openid offline_access read:orders", extra: [("audience", Self.orders)])
            let page = try await remote.logIn(browser, authorizeURL)
            let code = try #require(try await remote.decide(browser, on: page, "approve").locationQuery["code"])
            let tokens = try await remote.exchange(Secret(code), client: client)
            let refreshToken = try #require(tokens.json["refresh_token"] as? String)
            let accessToken = try #require(tokens.json["access_token"] as? String)
            #expect(try await remote.userInfo(accessToken).status == 200)

            let listed = try await Self.list("alice@example.com", database: database)
            #expect(listed.count == 1)
            #expect(listed.first?["client_id"] as? String == client.id)
            #expect(listed.first?["audience"] as? String == Self.orders)
            #expect(listed.first?["scope"] as? [String] == ["openid", "offline_access", "read:orders"])
            let text = try await TesseraBinary.run(["users", "consents", "list", "--email", "alice@example.com", "--database", database])
            #expect(text.stdout.contains(client.id) && text.stdout.contains("read:orders"))

            let revoked = try await TesseraBinary.run(["users", "consents", "revoke", "--email", "alice@example.com", "--client", client.id,
                                                       "--database", database])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            #expect(try await Self.list("alice@example.com", database: database).isEmpty)
            #expect(try await remote.refresh(refreshToken, client: client).oauthError == "invalid_grant")
            #expect(try await remote.userInfo(accessToken).status == 401, "the access token is inactive")
            #expect(try await browser.get(authorizeURL).isConsentPage, "the next authorization asks again")
            #expect(await server.terminate() == 0)
        }
    }

    @Test("users consents list|revoke with an unknown email or client, or no consent: one stderr line, non-zero exit, nothing written")
    func badInput() async throws {
        try await Self.withThirdPartyClient { _, database, client in
            for arguments in [
                ["users", "consents", "list", "--email", "nobody@example.com"],
                ["users", "consents", "revoke", "--email", "nobody@example.com", "--client", client.id],
                ["users", "consents", "revoke", "--email", "alice@example.com", "--client", "no-such-client"],
                ["users", "consents", "revoke", "--email", "alice@example.com", "--client", client.id],
                ["users", "consents", "revoke", "--email", "alice@example.com"],
            ] {
                let output = try await TesseraBinary.run(arguments + ["--database", database])
                output.expectRefusal("\(arguments)")
            }
            #expect(try await Self.list("alice@example.com", database: database).isEmpty)
        }
    }
}
