import Foundation
import Testing
import TesseraCore
import TesseraServer

/// `tessera users add|update` with standard claims (`--claim`, `--address-json`, `--unset-claim`).
@Suite("tessera users add|update: standard claims from the command line")
struct UsersCommandTests {
    /// The master key of ``TestServer``, so the binary can open the server's database.
    static let environment = ["TESSERA_MASTER_KEY": Data(repeating: 7, count: 32).base64EncodedString()]

    @Test("users add --claim and --address-json: the claims reach userinfo (OIDC Core §5.1)", arguments: TestEngine.all)
    func add(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            let added = try await TesseraBinary.run([
                "users", "add", "--email", "bob@example.com", "--password", TestServer.password, "--name", "Bob Builder",
                "--claim", "given_name=Bob", "--claim", "zoneinfo=America/New_York", "--claim", "phone_number=+1 (425) 555-1212",
                "--claim", "phone_number_verified=false", "--claim", "email_verified=false",
                "--address-json", #"{"formatted": "1 Main St\nSpringfield", "country": "US"}"#,
                "--database", server.database.urlText,
            ], environment: Self.environment)
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout.contains("bob@example.com"))
            let code = try await server.authorize(Browser(), authorizeURL: server.authorizeURL(client: client, scope: "openid profile email phone address"),
                                                  email: "bob@example.com")
            let tokens = try await server.exchange(Secret(try #require(code["code"])), client: client)
            let info = try await server.userInfo(try #require(tokens.json["access_token"] as? String)).json
            #expect(info["name"] as? String == "Bob Builder")
            #expect(info["given_name"] as? String == "Bob")
            #expect(info["zoneinfo"] as? String == "America/New_York")
            #expect(info["phone_number"] as? String == "+1 (425) 555-1212")
            #expect(info["phone_number_verified"] as? Bool == false)
            #expect(info["email_verified"] as? Bool == false)
            #expect(info["address"] as? [String: String] == ["formatted": "1 Main St\nSpringfield", "country": "US"])
        }
    }

    @Test("users update --name, --claim, --address-json, --unset-claim: the change reaches userinfo with a later updated_at", arguments: TestEngine.all)
    func update(engine: TestEngine) async throws {
        try await TestServer.with(engine) { server in
            let client = try await server.addClient()
            server.clock.advance(by: -86_400)
            try await server.addUser(profile: try ProfileChange(claims: ["nickname=Al", "locale=en-US"]))
            server.clock.advance(by: 86_400)
            let updated = try await TesseraBinary.run([
                "users", "update", "--email", "Alice@Example.com", "--name", "Alice Renamed", "--claim", "locale=de-DE",
                "--address-json", #"{"locality": "Berlin"}"#, "--unset-claim", "nickname", "--database", server.database.urlText,
            ], environment: Self.environment)
            #expect(updated.status == 0, "\(updated.stderr)")
            let tokens = try await server.exchange(try await server.code(for: client, scope: "openid profile address"), client: client)
            let info = try await server.userInfo(try #require(tokens.json["access_token"] as? String)).json
            #expect(info["name"] as? String == "Alice Renamed")
            #expect(info["locale"] as? String == "de-DE")
            #expect(info["nickname"] == nil)
            #expect(info["address"] as? [String: String] == ["locality": "Berlin"])
            #expect(try #require(info["updated_at"] as? Int) > server.clock.wallClock.now() - 86_400)
        }
    }

    @Test("users add with a bad --claim or --address-json: one line on stderr, a non-zero exit, and nothing written", arguments: [
        ["--claim", "favourite_colour=blue"], ["--claim", "email=b@example.com"], ["--claim", "sub=x"], ["--claim", "updated_at=1"],
        ["--claim", "email_verified=yes"], ["--claim", "birthdate=1990-02-30"], ["--claim", "birthdate=April"],
        ["--claim", "website=ftp://b.example"], ["--claim", "picture=me.png"], ["--claim", "locale=English"],
        ["--claim", "zoneinfo=Europe/ Paris"], ["--claim", "given_name"], ["--claim", "given_name=A", "--claim", "given_name=B"],
        ["--name", "A", "--claim", "name=B"], ["--claim", "address=Paris"], ["--address-json", "Paris"],
        ["--address-json", #"{"city": "Paris"}"#], ["--address-json", #"{"locality": 75}"#], ["--address-json", "[]"],
    ])
    func addBadInput(arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let output = try await TesseraBinary.run(["users", "add", "--email", "b@example.com", "--password", "long enough"] + arguments
                                                     + ["--database", "sqlite://\(directory.path)/t.sqlite"], directory: directory)
            output.expectRefusal("\(arguments)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "something was written")
        }
    }

    @Test("users update with bad input, nothing to change, or an unknown email: one line on stderr, a non-zero exit, the user unchanged")
    func updateBadInput() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let added = try await TesseraBinary.run(["users", "add", "--email", "b@example.com", "--password", "long enough",
                                                     "--claim", "nickname=Bee", "--database", database])
            #expect(added.status == 0, "\(added.stderr)")
            let refused: [[String]] = [
                ["--email", "b@example.com"],
                ["--email", "nobody@example.com", "--claim", "nickname=X"],
                ["--email", "b@example.com", "--claim", "nickname=X", "--unset-claim", "nickname"],
                ["--email", "b@example.com", "--unset-claim", "email"],
                ["--email", "b@example.com", "--unset-claim", "email_verified"],
                ["--email", "b@example.com", "--unset-claim", "favourite_colour"],
                ["--email", "b@example.com", "--claim", "nickname=X", "--claim", "birthdate=1990-13-01"],
                ["--email", "b@example.com", "--name", " "],
            ]
            for arguments in refused {
                let output = try await TesseraBinary.run(["users", "update"] + arguments + ["--database", database])
                output.expectRefusal("\(arguments)")
            }
            let store = try await SQLStore.open(try DatabaseURL(parsing: database))
            let user = try await using(store, stop: { await $0.shutdown() }) { try await $0.user(email: "b@example.com") }
            #expect(user?.claims == ["nickname": .string("Bee")], "no partial write")
            #expect(user?.name == "b")
        }
    }
}
