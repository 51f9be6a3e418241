import Foundation
import PostgresKit
import Testing
import TesseraCore

/// Three `tessera serve` processes on one PostgreSQL database, one master key and one issuer,
/// with the test spreading each client's requests over them as a load balancer would.
@Suite("Many stateless nodes on one PostgreSQL", .serialized)
struct MultiNodeTests {
    @Test("nodes starting at once on an empty database migrate it once and publish the same keys")
    func simultaneousStart() async throws {
        try await Cluster.with(nodes: 3) { cluster in
            var published: [Set<String>] = []
            for node in cluster.all {
                published.append(Set(try await KeyRotationTests.kids(node)))
                #expect(try await send(.GET, node.url("/readyz")).status == 200)
            }
            #expect(published.allSatisfy { $0 == published[0] })
            #expect(published[0].count == 6, "one current and one next key for each of RS256, ES256 and EdDSA")
            let versions = try await TestPostgres.rows("SELECT version FROM schema_migrations ORDER BY version", in: cluster.database.urlText)
                .map { try $0.decode(Int.self) }
            #expect(versions == StorageTests.allVersions)
        }
    }

    @Test("a code minted through node A is redeemed at node B; the id_token names the shared issuer and verifies at every node")
    func codeAcrossNodes() async throws {
        try await Cluster.withClient { cluster, client in
            let (a, b, c) = (cluster.node(0), cluster.node(1), cluster.node(2))
            let pkce = PKCE()
            let browser = Browser()
            let callback = try await b.authorize(browser, authorizeURL: b.authorizeURL(client: client, pkce: pkce))
            #expect(callback["iss"] == cluster.issuer)
            let code = Secret(try #require(callback["code"]))

            let response = try await a.exchange(code, client: client, verifier: pkce.verifier)
            #expect(response.status == 200)
            let idToken = try #require(response.json["id_token"] as? String)
            for node in cluster.all {
                let (claims, _) = try await node.verifyIDToken(idToken)
                #expect(claims.iss == cluster.issuer)
                #expect(claims.aud == client.id)
                #expect(claims.nonce == "nonce-456")
            }
            let accessToken = try #require(response.json["access_token"] as? String)
            #expect(try await c.userInfo(accessToken).json["email"] as? String == "alice@example.com")
            TokenEndpointErrorTests.expectError(try await c.exchange(code, client: client, verifier: pkce.verifier), "invalid_grant")
            #expect(try await b.userInfo(accessToken).status == 401, "a code replayed at another node revokes what it issued")
        }
    }

    @Test("one code redeemed by 20 concurrent requests spread over three nodes: exactly one 200")
    func concurrentRedemptionsAcrossNodes() async throws {
        try await Cluster.withClient { cluster, client in
            let code = try await cluster.node(0).code(for: client)
            let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for index in 0..<20 {
                    let node = cluster.node(index % 3)
                    group.addTask { try await node.exchange(code, client: client) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.status == 200 }.count == 1)
            #expect(results.filter { $0.status == 400 && $0.oauthError == "invalid_grant" }.count == 19)
        }
    }

    @Test("refresh rotation across nodes: rotate at B, replay the old token at A: refused, and the family is revoked everywhere")
    func refreshReuseAcrossNodes() async throws {
        try await Cluster.withClient { cluster, client in
            let (a, b, c) = (cluster.node(0), cluster.node(1), cluster.node(2))
            let first = try await c.exchange(try await a.code(for: client), client: client)
            let firstRefresh = try #require(first.json["refresh_token"] as? String)

            let rotated = try await b.refresh(firstRefresh, client: client)
            #expect(rotated.status == 200)
            let secondRefresh = try #require(rotated.json["refresh_token"] as? String)
            let secondAccess = try #require(rotated.json["access_token"] as? String)
            #expect(try await c.userInfo(secondAccess).status == 200)

            TokenEndpointErrorTests.expectError(try await a.refresh(firstRefresh, client: client), "invalid_grant")
            TokenEndpointErrorTests.expectError(try await c.refresh(secondRefresh, client: client), "invalid_grant")
            for node in cluster.all {
                #expect(try await node.userInfo(secondAccess).status == 401)
            }
        }
    }

    @Test("a login session made on one node is honoured by the others, and a login form from one node posts to another")
    func sessionAcrossNodes() async throws {
        try await Cluster.withClient { cluster, client in
            let (a, b, c) = (cluster.node(0), cluster.node(1), cluster.node(2))
            let browser = Browser()
            let page = try await browser.get(a.authorizeURL(client: client))
            let form = try #require(LoginForm(html: page.body))
            let login = try await browser.post(b.url("/login"), form: [
                ("csrf_token", form.csrfToken), ("authorization_request", form.authorizationRequest),
                ("email", "alice@example.com"), ("password", TestServer.password),
            ])
            #expect(login.status == 302)
            #expect(login.locationQuery["code"] != nil)

            for node in [a, c] {
                let again = try await browser.get(node.authorizeURL(client: client))
                #expect(again.status == 302, "no second login at \(node.baseURL)")
                let code = Secret(try #require(again.locationQuery["code"]))
                cluster.ledger.record(code)
                #expect(try await b.exchange(code, client: client).status == 200)
            }
        }
    }

    @Test("a key rotated with `tessera keys rotate` signs and is published at every node within the reload interval")
    func keyRotationReachesEveryNode() async throws {
        let reload = 1
        try await Cluster.withClient(arguments: ["--key-reload-interval", "\(reload)"]) { cluster, client in
            let browser = Browser()
            _ = try await cluster.node(0).authorize(browser, authorizeURL: cluster.node(0).authorizeURL(client: client))
            /// The id_token of a fresh exchange at `node`, the browser's session supplying the code.
            func idToken(at node: RemoteServer) async throws -> String {
                let code = Secret(try #require(try await browser.get(node.authorizeURL(client: client)).locationQuery["code"]))
                cluster.ledger.record(code)
                return try #require(try await node.exchange(code, client: client).json["id_token"] as? String)
            }
            let before = Set(try await KeyRotationTests.kids(cluster.node(1)))
            let oldToken = try await idToken(at: cluster.node(2))
            let oldKid = try #require(try await cluster.node(2).verifyIDToken(oldToken).header["kid"] as? String)

            let rotated = try await cluster.tessera(["keys", "rotate"])
            // "RS256 now signs with key KID; servers switch within …"
            let words = rotated.stdout.split(separator: " ")
            let newKid = try #require(words.firstIndex(of: "key").map { String(words[$0 + 1].dropLast()) }, "\(rotated.stdout)")
            #expect(newKid != oldKid)
            #expect(before.contains(newKid), "the new signing key was published before it signed")

            let started = ContinuousClock.now
            let bound = Duration.seconds(reload) + .seconds(5)
            for node in cluster.all {
                var kid: String?
                var published: Set<String> = []
                while ContinuousClock.now - started < bound {
                    kid = try await node.verifyIDToken(try await idToken(at: node)).header["kid"] as? String
                    published = Set(try await KeyRotationTests.kids(node))
                    if kid == newKid, published.count == before.count + 1 { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(kid == newKid, "\(node.baseURL) signs with the rotated key within \(bound)")
                #expect(published.isSuperset(of: before) && published.count == before.count + 1,
                        "\(node.baseURL) publishes the new next key and keeps the old one")
            }
            let newToken = try await idToken(at: cluster.node(0))
            for node in cluster.all {
                #expect(try await node.verifyIDToken(newToken).header["kid"] as? String == newKid)
                #expect(try await node.verifyIDToken(oldToken).header["kid"] as? String == oldKid)
            }
        }
    }

    @Test("kill -9 one node in the middle of a burst of exchanges: the others keep serving, no code is redeemed twice, every token received still works")
    func nodeKilledMidBurst() async throws {
        try await Cluster.withClient { cluster, client in
            let browser = Browser()
            let (a, b) = (cluster.node(0), cluster.node(1))
            _ = try await a.authorize(browser, authorizeURL: a.authorizeURL(client: client))
            var codes: [Secret] = []
            for index in 0..<60 {
                let node = cluster.node(index % 3)
                codes.append(Secret(try #require(try await browser.get(node.authorizeURL(client: client)).locationQuery["code"])))
                cluster.ledger.record(codes[index])
            }

            /// One exchange per code, spread over the nodes; a request the killed node never
            /// answers goes to the next node, as a load balancer retries.
            struct Attempt: Sendable {
                let code: Int
                let node: Int
                let status: Int?
                let accessToken: String?
                let refreshToken: String?
            }
            let survivors = [0, 1]
            let burst = codes
            // The kill is placed by events, not by time: the first half of the burst goes out at
            // once; node 2 is killed as soon as it has answered one exchange, while the rest of
            // the first half is still in flight; the second half goes out after the kill. So node
            // 2 serves part of the burst and misses the rest however slow the machine is.
            let half = burst.count / 2
            let nodeTwoAnswered = SharedFlag(), killed = SharedFlag()
            let attempts = try await withThrowingTaskGroup(of: [Attempt].self) { group in
                for (index, code) in burst.enumerated() {
                    group.addTask {
                        if index >= half {
                            try await killed.wait()
                            try await Task.sleep(for: .milliseconds(5 * (index - half)))
                        }
                        var attempts: [Attempt] = []
                        for node in [index % 3, survivors[index % 2]] {
                            do {
                                let response = try await cluster.node(node).exchange(code, client: client)
                                if node == 2 { nodeTwoAnswered.set() }
                                attempts.append(Attempt(code: index, node: node, status: response.status,
                                                        accessToken: response.json["access_token"] as? String,
                                                        refreshToken: response.json["refresh_token"] as? String))
                                break
                            } catch {
                                attempts.append(Attempt(code: index, node: node, status: nil, accessToken: nil, refreshToken: nil))
                            }
                        }
                        return attempts
                    }
                }
                group.addTask {
                    try await nodeTwoAnswered.wait()
                    cluster.nodes[2].kill()
                    killed.set()
                    return []
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }

            #expect(await cluster.nodes[2].terminate() == SIGKILL, "node 2 died of SIGKILL")
            #expect(attempts.contains { $0.node == 2 && $0.status != nil }, "the killed node served part of the burst")
            #expect(attempts.contains { $0.node == 2 && $0.status == nil }, "and died before its end")
            #expect(attempts.filter { survivors.contains($0.node) }.allSatisfy { $0.status != nil }, "the surviving nodes answered every request")
            let successes = Dictionary(grouping: attempts.filter { $0.status == 200 }, by: \.code)
            #expect(successes.values.allSatisfy { $0.count == 1 }, "no code was redeemed twice")
            let unanswered = Set(attempts.filter { $0.status == nil }.map(\.code))
            #expect(Set(0..<codes.count).subtracting(unanswered).isSubset(of: Set(successes.keys)),
                    "every code whose first node answered was redeemed")

            let twice = try await TestPostgres.rows("SELECT grant_id FROM access_tokens GROUP BY grant_id HAVING COUNT(*) > 1",
                                                    in: cluster.database.urlText)
            #expect(twice.isEmpty, "no grant issued tokens twice")

            for attempt in attempts where attempt.status == 200 {
                let accessToken = try #require(attempt.accessToken)
                for node in [a, b] {
                    #expect(try await node.userInfo(accessToken).status == 200, "a token from node \(attempt.node) works at \(node.baseURL)")
                }
                #expect(try await b.refresh(try #require(attempt.refreshToken), client: client).status == 200)
            }
            #expect(try await a.exchange(try await b.code(for: client), client: client).status == 200, "the cluster still serves new logins")
        }
    }
}
