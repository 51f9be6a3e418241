import Foundation
import Testing
import TesseraCore

/// Several `tessera serve` processes on loopback ports sharing one fresh PostgreSQL database, one
/// master key (`TESSERA_MASTER_KEY`) and one issuer (the first node's URL), as nodes behind a
/// load balancer would; the test plays the load balancer.
///
/// ```swift
/// try await Cluster.with(nodes: 3) { cluster in
///     let client = try await cluster.addClient()
///     let code = try await cluster.node(0).code(for: client)
///     let tokens = try await cluster.node(1).exchange(code, client: client)
/// }
/// ```
struct Cluster: Sendable {
    let nodes: [ServeProcess]
    let issuer: String
    let database: TestDatabase
    /// What every node and every `tessera` command of the cluster runs with.
    let environment: [String: String]
    let ledger: SecretLedger
    let directory: URL

    /// Starts `count` nodes at once on an empty database, runs `body`, then stops them (SIGTERM)
    /// and checks that no secret the test used appears in any node's output.
    static func with<Result>(nodes count: Int, arguments: [String] = [], _ body: (Cluster) async throws -> Result) async throws -> Result {
        try await TestDatabase.with(.postgres) { database in
            try await withTemporaryDirectory { directory in
                let masterKey = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
                let environment = ["TESSERA_MASTER_KEY": masterKey, "TESSERA_DATABASE_URL": database.urlText]
                let ports = (0..<count).map { _ in freeLoopbackPort() }
                let issuer = "http://127.0.0.1:\(ports[0])"
                let nodes = try await withThrowingTaskGroup(of: (Int, ServeProcess).self) { group in
                    for (index, port) in ports.enumerated() {
                        group.addTask {
                            (index, try await ServeProcess(arguments: ["--issuer", issuer] + arguments, environment: environment,
                                                           directory: directory, port: port))
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }.sorted { $0.key < $1.key }.map(\.value)
                }
                let cluster = Cluster(nodes: nodes, issuer: issuer, database: database, environment: environment,
                                      ledger: SecretLedger(), directory: directory)
                cluster.ledger.record(Secret(masterKey))
                return try await using(cluster, stop: { await $0.stop() }, body)
            }
        }
    }

    /// Starts a cluster with a confidential client and the user the flow helpers log in as.
    static func withClient<Result>(
        nodes count: Int = 3, arguments: [String] = [], _ body: (Cluster, TestServer.RegisteredClient) async throws -> Result
    ) async throws -> Result {
        try await with(nodes: count, arguments: arguments) { cluster in
            let client = try await cluster.addClient()
            try await cluster.addUser()
            return try await body(cluster, client)
        }
    }

    /// Node `index`, driven with the flow helpers of ``ProviderUnderTest``.
    func node(_ index: Int) -> RemoteServer {
        RemoteServer(baseURL: nodes[index].baseURL, ledger: ledger)
    }

    var all: [RemoteServer] { nodes.indices.map(node) }

    /// Runs `tessera arguments…` against the cluster's database and master key.
    func tessera(_ arguments: [String], stdin: String? = nil) async throws -> TesseraBinary.Output {
        let output = try await TesseraBinary.run(arguments, stdin: stdin, environment: environment, directory: directory)
        #expect(output.status == 0, "tessera \(arguments.first ?? ""): \(output.stderr)")
        return output
    }

    /// A confidential client registered with `tessera clients add`.
    func addClient() async throws -> TestServer.RegisteredClient {
        let output = try await tessera(["clients", "add", "--name", "Cluster App", "--redirect-uri", TestServer.redirectURI, "--json"])
        let client = try TesseraBinary.registeredClient(from: output)
        ledger.record(client.secret)
        return client
    }

    /// The user every flow helper logs in as, added with `tessera users add`.
    func addUser() async throws {
        _ = try await tessera(["users", "add", "--email", "alice@example.com", "--password-stdin", "--name", "Alice Example"],
                              stdin: TestServer.password + "\n")
        ledger.record(Secret(TestServer.password))
    }

    /// Stops every node still running and checks their output for secrets.
    func stop() async {
        for node in nodes {
            await node.terminate()
        }
        for (index, node) in nodes.enumerated() {
            let leaked = ledger.all.filter { node.text.contains($0) }
            #expect(leaked.isEmpty, "\(leaked.count) secrets appear in node \(index)'s output")
        }
    }
}
