import Foundation
import Synchronization
import Testing
import TesseraCore

/// A 200 from the token endpoint is a promise: the code is spent and the tokens are valid. On
/// SQLite the group-commit writer answers a batch of exchanges only after their one COMMIT;
/// these tests hold it to that with a real `tessera serve` killed without warning.
@Suite("SQLite durability", .serialized)
struct SQLiteDurabilityTests {
    /// One exchange of the burst: the code's index, and what came back (nil: no answer, the
    /// process died first).
    private struct Attempt: Sendable {
        let code: Int
        let status: Int?
        let accessToken: String?
    }

    /// The 200s counted across the burst's tasks.
    private final class Counter: Sendable {
        private let value = Atomic(0)

        /// Counts one more and returns the new count.
        func increment() -> Int {
            value.add(1, ordering: .relaxed).newValue
        }
    }

    @Test("Durability: every code exchange answered 200 survives a kill -9 of the SQLite group-commit writer right after — its access token still works at /userinfo, its code stays consumed (invalid_grant)")
    func answeredExchangesSurviveKill() async throws {
        try await withTemporaryDirectory { directory in
            let database = "sqlite://\(directory.path)/tessera.sqlite"
            let issuer = "http://127.0.0.1:\(freeLoopbackPort())"
            let ledger = SecretLedger()
            let client = try await TesseraBinary.addClient(["--name", "Durable App", "--redirect-uri", TestServer.redirectURI],
                                                           database: database)
            ledger.record(client.secret)
            try await TesseraBinary.addUser(email: "alice@example.com", password: TestServer.password, database: database)
            ledger.record(Secret(TestServer.password))

            let first = try await ServeProcess(arguments: ["--database", database, "--issuer", issuer], directory: directory)
            let server = RemoteServer(baseURL: first.baseURL, ledger: ledger)
            let browser = Browser()
            _ = try await server.authorize(browser, authorizeURL: server.authorizeURL(client: client))
            var codes: [Secret] = []
            for _ in 0..<160 {
                let code = Secret(try #require(try await browser.get(server.authorizeURL(client: client)).locationQuery["code"]))
                ledger.record(code)
                codes.append(code)
            }

            // The first half of the burst at once, so the writer commits it in batches; the
            // process is killed by the task that receives the eighth 200, the moment it does,
            // with the rest of that half still in flight. The second half goes out only after
            // the kill: on a machine too slow to run the tasks before every answer of the first
            // half has arrived, it still shows that the process died in the middle of the burst.
            let killAfter = 8
            let burst = codes, half = codes.count / 2
            let answered = Counter(), killed = SharedFlag()
            let attempts = await withTaskGroup(of: Attempt.self) { group in
                for (index, code) in burst.enumerated() {
                    group.addTask {
                        if index >= half { try? await killed.wait() }
                        guard let response = try? await server.exchange(code, client: client) else {
                            return Attempt(code: index, status: nil, accessToken: nil)
                        }
                        if response.status == 200, answered.increment() == killAfter {
                            first.kill()
                            killed.set()
                        }
                        return Attempt(code: index, status: response.status, accessToken: response.json["access_token"] as? String)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(await first.terminate() == SIGKILL, "the writer died of SIGKILL")
            let successes = attempts.filter { $0.status == 200 }
            #expect(successes.count >= killAfter, "a batch's worth of exchanges was answered 200 before the kill")
            #expect(attempts.filter { $0.code >= half }.allSatisfy { $0.status == nil }, "nothing answered after the kill")
            #expect(attempts.allSatisfy { $0.status == nil || $0.status == 200 }, "every exchange answered before the kill succeeded")

            // The same file, a new process: what was promised is still there.
            let second = try await ServeProcess(arguments: ["--database", database, "--issuer", issuer], directory: directory)
            let restarted = RemoteServer(baseURL: second.baseURL, ledger: ledger)
            for attempt in successes {
                let accessToken = try #require(attempt.accessToken)
                #expect(try await restarted.userInfo(accessToken).status == 200, "the access token of code \(attempt.code) still works")
            }
            for attempt in successes {
                let again = try await restarted.exchange(codes[attempt.code], client: client)
                #expect(again.oauthError == "invalid_grant", "code \(attempt.code), answered 200, is still consumed")
            }
            // A code whose answer the kill cut off was either committed (spent) or not (still good):
            // never half of it.
            for attempt in attempts where attempt.status == nil {
                let late = try await restarted.exchange(codes[attempt.code], client: client)
                #expect(late.status == 200 || late.oauthError == "invalid_grant", "code \(attempt.code): \(late.status)")
            }

            #expect(await second.terminate() == 0)
            for process in [first, second] {
                let leaked = ledger.all.filter { process.text.contains($0) }
                #expect(leaked.isEmpty, "\(leaked.count) secrets appear in the server's output")
            }
        }
    }
}
