import Foundation
import Synchronization
import Testing
import TesseraCore

/// The `tessera` executable built beside the test bundle, run as a child process.
enum TesseraBinary {
    /// `.build/<triple>/debug/tessera`, found next to the test executable (or `TESSERA_BINARY`).
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["TESSERA_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("tessera")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/tessera")
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `tessera arguments…` (or another `executable`) to completion.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, executable: URL? = nil) async throws -> Output {
        let process = Process()
        process.executableURL = executable ?? url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["TESSERA_BCRYPT_COST": "4"]) { $1 }.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let (stdout, stderr) = await readToEnd(out, err)
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Both pipes read to their end at once (so neither can fill up while the other is read) on
    /// Dispatch threads: blocking reads on Swift's cooperative pool, two threads on two cores,
    /// would stall every other test's continuations for as long as the child runs.
    private static func readToEnd(_ first: Pipe, _ second: Pipe) async -> (String, String) {
        await withCheckedContinuation { continuation in
            let group = DispatchGroup()
            let results = OutputBuffer(), errors = OutputBuffer()
            for (pipe, buffer) in [(first, results), (second, errors)] {
                DispatchQueue.global().async(group: group) {
                    while let chunk = readRetryingInterrupts(pipe.fileHandleForReading.fileDescriptor) { buffer.append(chunk) }
                }
            }
            group.notify(queue: .global()) {
                continuation.resume(returning: (results.text, errors.text))
            }
        }
    }
}

/// A long-running `tessera` child process (`serve`, `demo`), its output captured whole for the log scan.
final class ServeProcess: Sendable {
    let process: Process
    let baseURL: String
    private let output = OutputBuffer()

    /// Starts `tessera serve` on a free port and waits until it prints its serving line.
    convenience init(arguments: [String], environment: [String: String] = [:], directory: URL? = nil, port: Int? = nil) async throws {
        let port = port ?? freeLoopbackPort()
        try await self.init(launching: ["serve", "--port", "\(port)"] + arguments, baseURL: "http://127.0.0.1:\(port)",
                            readyLine: "tessera: serving ", environment: environment, directory: directory)
    }

    /// Starts `tessera arguments…` and waits until its output contains `readyLine`.
    init(launching arguments: [String], baseURL: String, readyLine: String, environment: [String: String] = [:],
         directory: URL? = nil) async throws {
        self.baseURL = baseURL
        process = Process()
        process.executableURL = TesseraBinary.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["TESSERA_BCRYPT_COST": "4"]) { $1 }.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            guard let data = readRetryingInterrupts(handle.fileDescriptor) else {
                handle.readabilityHandler = nil   // end of output
                return
            }
            output.append(data)
        }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !text.contains(readyLine) {
            guard process.isRunning, Date() < deadline else {
                throw ServeProcessError.didNotStart(arguments.first ?? "", text)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Everything the process printed so far.
    var text: String { output.text }

    /// Sends SIGTERM and waits for the exit status; a process still running 20 seconds later is
    /// killed, and the test fails: a graceful shutdown must not hang.
    @discardableResult
    func terminate(sourceLocation: SourceLocation = #_sourceLocation) async -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(20)
        var killed = false
        while process.isRunning {
            if !killed, ContinuousClock.now > deadline {
                Issue.record("tessera serve did not exit within 20 s of SIGTERM", sourceLocation: sourceLocation)
                kill()
                killed = true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    deinit { kill() }
}

enum ServeProcessError: Error, CustomStringConvertible {
    case didNotStart(String, String)
    var description: String {
        switch self { case .didNotStart(let command, let output): "tessera \(command) did not start:\n\(output)" }
    }
}

/// A scratch folder removed at the end of a test.
func withTemporaryDirectory<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Text appended from a pipe's reading thread and read from the test.
final class OutputBuffer: Sendable {
    private let storage = Mutex<String>("")

    func append(_ data: Data) {
        storage.withLock { $0 += String(decoding: data, as: UTF8.self) }
    }

    var text: String { storage.withLock { $0 } }
}

extension TesseraBinary {
    /// `tessera clients add ARGUMENTS --json --database DATABASE`, read back as a registered client.
    static func addClient(_ arguments: [String], database: String) async throws -> TestServer.RegisteredClient {
        try registeredClient(from: try await run(["clients", "add"] + arguments + ["--json", "--database", database]))
    }

    /// `tessera users add --email EMAIL --password PASSWORD --database DATABASE`, expected to succeed.
    static func addUser(email: String, password: String, database: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let added = try await run(["users", "add", "--email", email, "--password", password, "--database", database])
        #expect(added.status == 0, "users add: \(added.stderr)", sourceLocation: sourceLocation)
    }

    /// The client that `clients add --json` printed.
    static func registeredClient(from output: Output) throws -> TestServer.RegisteredClient {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: String],
                                  "clients add printed no JSON object: \(output.stderr)")
        return TestServer.RegisteredClient(id: try #require(object["client_id"]), secret: object["client_secret"].map(Secret.init))
    }
}

/// The next bytes of a pipe, or nil at its end (or on an error other than EINTR).
///
/// Foundation's `availableData` and `readDataToEndOfFile` crash the test process (a `try!`) when a
/// signal — a child's SIGCHLD, with so many `tessera` processes ending — interrupts their `read`;
/// this retries it instead.
func readRetryingInterrupts(_ descriptor: Int32) -> Data? {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 { return Data(buffer[0..<count]) }
        if count < 0, errno == EINTR { continue }
        return nil
    }
}
