import Foundation
import Testing
import TesseraCore
import TesseraServer

/// The administration subcommands, run as the real `tessera` binary on a scratch database: each
/// round trip through the shared administration layer, and each refusal as the command line's
/// contract says (one `tessera: error:` line, a non-zero exit, nothing on stdout).
@Suite("tessera clients list|show|remove|rotate-secret, users list|show|remove, apis list|update|remove, grants update, keys list")
struct AdminCommandTests {
    static let api = "https://api.example.com/orders"

    /// `tessera ARGUMENTS --database DATABASE`, expected to succeed.
    static func run(_ arguments: [String], _ database: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let output = try await TesseraBinary.run(arguments + ["--database", database])
        #expect(output.status == 0, "\(arguments): \(output.stderr)", sourceLocation: sourceLocation)
        return output.stdout
    }

    /// `tessera ARGUMENTS --json --database DATABASE`, parsed.
    static func json(_ arguments: [String], _ database: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Any {
        let stdout = try await run(arguments + ["--json"], database, sourceLocation: sourceLocation)
        #expect(stdout.split(separator: "\n").count == 1, "one line of JSON", sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    /// `tessera ARGUMENTS --database DATABASE`, expected to be refused.
    static func refuse(_ arguments: [String], _ database: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await TesseraBinary.run(arguments + ["--database", database]).expectRefusal("\(arguments)", sourceLocation: sourceLocation)
    }

    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        try await withTemporaryDirectory { try await body("sqlite://\($0.path)/tessera.sqlite") }
    }

    @Test("clients list, show, rotate-secret, remove: the listing never holds a secret; the rotated secret is new; a removed client is gone")
    func clients() async throws {
        try await Self.withDatabase { database in
            let web = try await TesseraBinary.addClient(["--name", "Web", "--redirect-uri", "https://web.example.com/cb"], database: database)
            let spa = try await TesseraBinary.addClient(["--name", "SPA", "--public", "--redirect-uri", "https://spa.example.com/cb"],
                                                        database: database)
            let listed = try #require(try await Self.json(["clients", "list"], database) as? [[String: Any]])
            // Listed by creation second, then id: two clients made in one second come in id order.
            let publicByID = Dictionary(uniqueKeysWithValues: listed.map { ($0["client_id"] as? String ?? "", $0["public"] as? Bool) })
            #expect(publicByID == [web.id: false, spa.id: true])
            #expect(listed.allSatisfy { $0["client_secret"] == nil })
            let text = try await Self.run(["clients", "list"], database)
            #expect(text.contains(web.id) && text.contains("SPA"))
            let webSecret = try #require(web.secret).unredacted
            #expect(!text.contains(webSecret) && !"\(listed)".contains(webSecret))

            let shown = try #require(try await Self.json(["clients", "show", web.id], database) as? [String: Any])
            #expect(shown["client_name"] as? String == "Web" && shown["redirect_uris"] as? [String] == ["https://web.example.com/cb"])

            let rotated = try #require(try await Self.json(["clients", "rotate-secret", web.id], database) as? [String: String])
            #expect(rotated["client_id"] == web.id)
            let secret = try #require(rotated["client_secret"])
            #expect(secret != web.secret?.unredacted && Base64URL.decode(secret)?.count == 32)

            let removed = try await Self.run(["clients", "remove", web.id], database)
            #expect(removed.contains(web.id))
            #expect(try #require(try await Self.json(["clients", "list"], database) as? [[String: Any]]).count == 1)

            try await Self.refuse(["clients", "show", web.id], database)
            try await Self.refuse(["clients", "remove", web.id], database)
            try await Self.refuse(["clients", "rotate-secret", web.id], database)
            try await Self.refuse(["clients", "rotate-secret", spa.id], database)

            let store = try await SQLStore.open(try DatabaseURL(parsing: database))
            let events = try await using(store, stop: { await $0.shutdown() }) {
                try await $0.auditEvents(matching: AuditEventQuery(types: [.clientSecretRotated, .clientDeleted]))
            }
            #expect(events.map(\.type) == [.clientDeleted, .clientSecretRotated], "the refusals recorded nothing")
            #expect(events.allSatisfy { $0.actor == .commandLine && $0.clientID == web.id }, "the command line is the actor")
        }
    }

    @Test("users list (--email), show by id or email, remove: the password hash never shows; a removed user is gone")
    func users() async throws {
        try await Self.withDatabase { database in
            try await TesseraBinary.addUser(email: "alice@example.com", password: "correct horse", database: database)
            try await TesseraBinary.addUser(email: "bob@example.com", password: "battery staple", database: database)
            let listed = try #require(try await Self.json(["users", "list"], database) as? [[String: Any]])
            // Listed by creation time, then id: two users added within one second come in id order.
            #expect(Set(listed.compactMap { $0["email"] as? String }) == ["alice@example.com", "bob@example.com"] && listed.count == 2)
            #expect(listed.allSatisfy { $0["password_hash"] == nil && !"\($0)".contains("$2") })
            let bob = try #require(try await Self.json(["users", "list", "--email", "BOB@example.com"], database) as? [[String: Any]])
            let bobID = try #require(bob.first?["user_id"] as? String)
            #expect(bob.count == 1)

            let shown = try #require(try await Self.json(["users", "show", bobID], database) as? [String: Any])
            #expect(shown["email"] as? String == "bob@example.com" && shown["name"] as? String == "bob")
            #expect((shown["created_at"] as? Int ?? 0) > 1_700_000_000, "when the user was added, in seconds since 1970")
            let byEmail = try #require(try await Self.json(["users", "show", "bob@example.com"], database) as? [String: Any])
            #expect(byEmail["user_id"] as? String == bobID)

            #expect(try await Self.run(["users", "remove", "bob@example.com"], database).contains(bobID))
            #expect(try #require(try await Self.json(["users", "list"], database) as? [[String: Any]]).count == 1)
            try await Self.refuse(["users", "show", bobID], database)
            try await Self.refuse(["users", "remove", bobID], database)
            try await Self.refuse(["users", "show", "nobody@example.com"], database)
        }
    }

    @Test("apis list, update (--name, --scope), remove; grants update by id and by client and API; refusals change nothing")
    func apisAndGrants() async throws {
        try await Self.withDatabase { database in
            _ = try await Self.run(["apis", "add", "--identifier", Self.api, "--name", "Orders", "--scope", "read:orders", "--scope", "write:orders"],
                                   database)
            let machine = try await TesseraBinary.addClient(["--name", "Cron", "--grant-type", "client_credentials"], database: database)
            _ = try await Self.run(["grants", "add", "--client", machine.id, "--api", Self.api, "--scope", "read:orders"], database)
            let grants = try #require(try await Self.json(["grants", "list"], database) as? [[String: Any]])
            let grantID = try #require(grants.first?["id"] as? String)
            #expect(grantID.hasPrefix("cgr_"))

            _ = try await Self.run(["grants", "update", grantID, "--scope", "write:orders"], database)
            _ = try await Self.run(["grants", "update", "--client", machine.id, "--api", Self.api, "--scope", "read:orders", "--scope", "write:orders"],
                                   database)
            let updated = try #require(try await Self.json(["grants", "list"], database) as? [[String: Any]])
            #expect(updated.first?["scope"] as? [String] == ["read:orders", "write:orders"] && updated.first?["id"] as? String == grantID)
            try await Self.refuse(["grants", "update", grantID, "--scope", "delete:orders"], database)
            try await Self.refuse(["grants", "update", grantID], database)
            try await Self.refuse(["grants", "update", "cgr_nosuchgrant", "--scope", "read:orders"], database)
            try await Self.refuse(["grants", "update", grantID, "--client", machine.id, "--scope", "read:orders"], database)

            _ = try await Self.run(["apis", "update", Self.api, "--name", "Orders v2"], database)
            try await Self.refuse(["apis", "update", Self.api, "--scope", "read:orders"], database)
            try await Self.refuse(["apis", "update", Self.api], database)
            try await Self.refuse(["apis", "update", "https://api.example.com/none", "--name", "None"], database)
            let apis = try #require(try await Self.json(["apis", "list"], database) as? [[String: Any]])
            #expect(apis.count == 1 && apis.first?["name"] as? String == "Orders v2")
            #expect(apis.first?["scopes"] as? [String] == ["read:orders", "write:orders"], "the refused update dropped no scope")
            #expect(try #require(try await Self.json(["grants", "list"], database) as? [[String: Any]]).first?["scope"] as? [String]
                    == ["read:orders", "write:orders"], "the refused grant updates changed nothing")

            #expect(try await Self.run(["apis", "remove", Self.api], database).contains("1 client grant"))
            #expect(try #require(try await Self.json(["apis", "list"], database) as? [[String: Any]]).isEmpty)
            #expect(try #require(try await Self.json(["grants", "list"], database) as? [[String: Any]]).isEmpty)
            try await Self.refuse(["apis", "remove", Self.api], database)
        }
    }

    @Test("apis add|update --scope-description SCOPE=TEXT: listed with the API; a description of another scope, or not SCOPE=TEXT, is refused")
    func apiScopeDescriptions() async throws {
        try await Self.withDatabase { database in
            _ = try await Self.run(["apis", "add", "--identifier", Self.api, "--name", "Orders", "--scope", "read:orders", "--scope", "write:orders",
                                    "--scope-description", "read:orders=Read your orders"], database)
            func descriptions() async throws -> [String: String]? {
                try #require(try await Self.json(["apis", "list"], database) as? [[String: Any]]).first?["scope_descriptions"] as? [String: String]
            }
            #expect(try await descriptions() == ["read:orders": "Read your orders"])
            _ = try await Self.run(["apis", "update", Self.api, "--scope-description", "write:orders=Place orders = buy"], database)
            #expect(try await descriptions() == ["write:orders": "Place orders = buy"], "the text runs from the first '='; the list is replaced")
            _ = try await Self.run(["apis", "update", Self.api, "--scope", "read:orders"], database)
            #expect(try await descriptions() == [:], "a dropped scope takes its description with it")

            try await Self.refuse(["apis", "update", Self.api, "--scope-description", "delete:orders=Delete orders"], database)
            try await Self.refuse(["apis", "update", Self.api, "--scope-description", "read:orders"], database)
            try await Self.refuse(["apis", "add", "--identifier", "https://api.example.com/other", "--name", "Other", "--scope", "a",
                                   "--scope-description", "b=Not a scope of this API"], database)
            #expect(try #require(try await Self.json(["apis", "list"], database) as? [[String: Any]]).count == 1, "nothing was written")
        }
    }

    @Test("keys list: a current and a next key per algorithm, a retired one after a rotation; public facts only")
    func keys() async throws {
        try await Self.withDatabase { database in
            let before = try #require(try await Self.json(["keys", "list"], database) as? [[String: Any]])
            #expect(before.count == 6)
            for algorithm in ["RS256", "ES256", "EdDSA"] {
                #expect(before.filter { $0["alg"] as? String == algorithm }.compactMap { $0["state"] as? String }.sorted() == ["current", "next"])
            }
            #expect(before.allSatisfy { Set($0.keys) == ["kid", "alg", "state", "created_at", "activated_at", "retired_at"] }, "no key material")
            let next = try #require(before.first { $0["alg"] as? String == "ES256" && $0["state"] as? String == "next" }?["kid"] as? String)

            _ = try await Self.run(["keys", "rotate", "--alg", "ES256"], database)
            let after = try #require(try await Self.json(["keys", "list"], database) as? [[String: Any]])
            let es256 = after.filter { $0["alg"] as? String == "ES256" }
            #expect(es256.compactMap { $0["state"] as? String }.sorted() == ["current", "next", "retired"])
            #expect(es256.first { $0["state"] as? String == "current" }?["kid"] as? String == next, "the published next key signs now")
            #expect(try await Self.run(["keys", "list"], database).contains("retired"))
        }
    }
}
