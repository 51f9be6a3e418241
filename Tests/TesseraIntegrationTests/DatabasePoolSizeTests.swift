import Foundation
import PostgresNIO
import Synchronization
import Testing
import TesseraCore

/// `tessera serve --database-pool-size`: how many PostgreSQL connections one node may hold.
@Suite("tessera serve --database-pool-size")
struct DatabasePoolSizeTests {
    @Test("a pool size that is not a whole number above 0: one line on stderr naming the option, a non-zero exit, nothing written",
          arguments: ["0", "-3", "many", "1.5"])
    func badPoolSize(value: String) async throws {
        try await withTemporaryDirectory { directory in
            let output = try await TesseraBinary.run(["serve", "--database-pool-size=\(value)",
                                                      "--database", "sqlite://\(directory.path)/t.sqlite"], directory: directory)
            #expect(output.status != 0)
            let lines = output.stderr.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(output.stderr)")
            #expect(lines.first?.hasPrefix("tessera: error: --database-pool-size must be a whole number of connections above 0") == true,
                    "stderr: \(output.stderr)")
            #expect(output.stdout.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "something was written")
        }
    }

    @Test("with --database-pool-size 1 a node never holds more than one pooled connection, however many requests wait for the database")
    func poolNeverExceedsSize() async throws {
        try await Cluster.with(nodes: 1, arguments: ["--database-pool-size", "1"]) { cluster in
            let node = cluster.node(0)
            let samples = Samples()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !samples.done.load(ordering: .relaxed) {
                        let count = try await Self.pooledConnections(cluster.database.urlText)
                        samples.counts.withLock { $0.append(count) }
                    }
                }
                // Each request names a client no one registered: a database lookup every time
                // (unknown ids are never cached), all at once.
                try await withThrowingTaskGroup(of: Int.self) { requests in
                    for round in 0..<96 {
                        requests.addTask {
                            let form = formBody([("grant_type", "client_credentials"), ("client_id", "nobody-\(round)"),
                                                 ("client_secret", "not a secret")])
                            return try await send(.POST, node.url("/oauth/token"), headers: [form.header], body: form.body).status
                        }
                    }
                    for try await status in requests {
                        #expect(status == 401)
                    }
                }
                samples.done.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            let counts = samples.counts.withLock { $0 }
            #expect(counts.contains { $0 >= 1 }, "the node's connection was never seen: \(counts)")
            #expect(counts.allSatisfy { $0 <= 1 }, "pooled connections seen: \(counts)")
        }
    }

    /// What the sampling task saw, and when to stop.
    final class Samples: Sendable {
        let counts = Mutex<[Int]>([])
        let done = Atomic<Bool>(false)
    }

    /// The database's client connections other than the asking one and the node's listener
    /// (one connection outside the pool that waits for `NOTIFY tessera_clients`).
    static func pooledConnections(_ url: String) async throws -> Int {
        let rows = try await TestPostgres.rows("""
            SELECT count(*)::int AS pooled FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
              AND query NOT LIKE 'LISTEN%'
            """, in: url)
        return try rows.first?.decode(Int.self) ?? 0
    }
}
