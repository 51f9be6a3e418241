import Foundation
import Testing
import TesseraCore

@Suite("tessera grants add|list|remove (client grants from the command line)")
struct GrantsCommandTests {
    static let api = "https://api.example.com/orders"

    /// A database with the Orders API and a machine client, for `body`.
    static func withMachineClient(_ body: (_ database: String, _ client: TestServer.RegisteredClient) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let api = try await TesseraBinary.run(["apis", "add", "--identifier", Self.api, "--name", "Orders",
                                                   "--scope", "read:orders", "--scope", "write:orders", "--database", database])
            #expect(api.status == 0, "\(api.stderr)")
            let client = try await TesseraBinary.addClient(["--name", "Cron", "--grant-type", "client_credentials"], database: database)
            try await body(database, client)
        }
    }

    /// `grants list --json`, parsed.
    static func list(_ database: String) async throws -> [[String: Any]] {
        let output = try await TesseraBinary.run(["grants", "list", "--json", "--database", database])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.split(separator: "\n").count == 1, "one line of JSON")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]], "\(output.stdout)")
    }

    @Test("grants add, then list (text and --json), then remove: the grant appears with its scopes and goes away")
    func addListRemove() async throws {
        try await Self.withMachineClient { database, client in
            #expect(try await Self.list(database).isEmpty, "deny by default: no grant until one is added")
            let added = try await TesseraBinary.run(["grants", "add", "--client", client.id, "--api", Self.api, "--scope", "read:orders",
                                                     "--database", database])
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout.contains(client.id) && added.stdout.contains("read:orders"))

            let listed = try await Self.list(database)
            #expect(listed.count == 1)
            #expect(listed.first?["client_id"] as? String == client.id)
            #expect(listed.first?["audience"] as? String == Self.api)
            #expect(listed.first?["scope"] as? [String] == ["read:orders"])
            let text = try await TesseraBinary.run(["grants", "list", "--database", database])
            #expect(text.stdout.contains(client.id) && text.stdout.contains(Self.api))

            let removed = try await TesseraBinary.run(["grants", "remove", "--client", client.id, "--api", Self.api, "--database", database])
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(try await Self.list(database).isEmpty)
        }
    }

    @Test("grants add for an unknown client or API, a scope the API does not define, or twice; remove of no grant: one stderr line, non-zero exit, nothing written")
    func badInput() async throws {
        try await Self.withMachineClient { database, client in
            let granted = try await TesseraBinary.run(["grants", "add", "--client", client.id, "--api", Self.api, "--scope", "read:orders",
                                                       "--database", database])
            #expect(granted.status == 0, "\(granted.stderr)")
            let refused: [[String]] = [
                ["grants", "add", "--client", "no-such-client", "--api", Self.api],
                ["grants", "add", "--client", client.id, "--api", "https://api.example.com/unknown"],
                ["grants", "add", "--client", client.id, "--api", Self.api, "--scope", "delete:orders"],
                ["grants", "add", "--client", client.id, "--api", Self.api, "--scope", "write:orders"],
                ["grants", "remove", "--client", client.id, "--api", "https://api.example.com/unknown"],
                ["grants", "remove", "--client", "no-such-client", "--api", Self.api],
            ]
            for arguments in refused {
                let output = try await TesseraBinary.run(arguments + ["--database", database])
                #expect(output.status != 0, "\(arguments)")
                let lines = output.stderr.split(separator: "\n")
                #expect(lines.count == 1, "\(arguments): \(output.stderr)")
                #expect(lines.first?.hasPrefix("tessera: error: ") == true, "\(arguments)")
                #expect(output.stdout.isEmpty, "\(arguments)")
            }
            let listed = try await Self.list(database)
            #expect(listed.count == 1)
            #expect(listed.first?["scope"] as? [String] == ["read:orders"], "the refused commands changed nothing")
        }
    }
}
