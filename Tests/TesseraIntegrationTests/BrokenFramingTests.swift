import Foundation
import Testing

/// Broken HTTP framing at every endpoint that reads a body: a client's mistake, so a 4xx with its
/// reason, never a 5xx, and never logged at `error` (the server's own log is read whole).
@Suite("Broken HTTP framing")
struct BrokenFramingTests {
    static let endpoints = ["/oauth/token", "/oauth/revoke", "/oauth/introspect", "/oauth/par", "/authorize", "/login", "/oidc/logout", "/userinfo"]

    /// A POST's head; `framing` is its Content-Length or Transfer-Encoding line(s).
    static func head(_ path: String, framing: String) -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\(framing)\r\n"
    }

    /// Named framing attacks, each answered with a 4xx: (name, bytes after the head line, whether to half-close).
    static let attacks: [(name: String, framing: String, body: String, halfClose: Bool)] = [
        ("chunk size overflowing 64 bits", "Transfer-Encoding: chunked\r\n", "ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n", false),
        ("chunk size that is not hex", "Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n", false),
        ("chunk data longer than its size", "Transfer-Encoding: chunked\r\n", "3\r\ngrant_type=x\r\n0\r\n\r\n", false),
        ("chunked body cut short", "Transfer-Encoding: chunked\r\n", "20\r\ngrant_type=", true),
        ("Content-Length body cut short", "Content-Length: 100\r\n", "grant_type=authorization_code", true),
        ("Content-Length that is not a number", "Content-Length: 12abc\r\n", "grant_type=x", false),
        ("Content-Length and chunked at once (smuggling)", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "5\r\nabcde\r\n0\r\n\r\n", false),
        ("two different Content-Lengths", "Content-Length: 5\r\nContent-Length: 6\r\n", "abcdef", false),
        ("chunked body over the size limit", "Transfer-Encoding: chunked\r\n",
         String(repeating: "4000\r\n" + String(repeating: "a", count: 0x4000) + "\r\n", count: 6) + "0\r\n\r\n", false),
    ]

    @Test("broken framing at every body-reading endpoint: a 4xx, never a 5xx, never logged at error, and the server lives on")
    func brokenFramingIsAClientError() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServeProcess(arguments: ["--database", "sqlite://\(directory.path)/tessera.sqlite"],
                                                environment: ["LOG_LEVEL": "trace"])
            let port = try #require(URLComponents(string: server.baseURL)?.port)
            for path in Self.endpoints {
                for attack in Self.attacks {
                    let bytes = Array((Self.head(path, framing: attack.framing) + attack.body).utf8)
                    let answer = try await RawHTTP.exchange(port: port, bytes: bytes, halfClose: attack.halfClose)
                    let status = RawHTTP.status(of: answer)
                    #expect(status.map { (400..<500).contains($0) } == true, "\(attack.name) at \(path): \(answer.prefix(200))")
                }
            }
            #expect(try await send(.GET, server.baseURL + "/healthz").status == 200)
            #expect(await server.terminate() == 0)
            let errors = server.text.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
            #expect(errors.isEmpty, "client mistakes logged at error: \(errors.prefix(5))")
        }
    }

    @Test("fuzz: 300 seeded mutations of a chunked body, spread over the endpoints, never answer 5xx or go unanswered")
    func fuzzedChunkedFraming() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServeProcess(arguments: ["--database", "sqlite://\(directory.path)/tessera.sqlite"],
                                                environment: ["LOG_LEVEL": "trace"])
            let port = try #require(URLComponents(string: server.baseURL)?.port)
            var random = SplitMix64(seed: 0x7e55e7a)
            let valid = Array("a\r\ngrant_type\r\n5\r\n=code\r\n0\r\n\r\n".utf8)
            let alphabet = Array("0123456789abcdefgxyzF;= \r\n\t".utf8) + [0, 0x7f, 0xff]
            for round in 0..<300 {
                var body = valid
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let index = Int.random(in: 0..<body.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: body[index] = alphabet.randomElement(using: &random)!
                    case 1: body.insert(alphabet.randomElement(using: &random)!, at: index)
                    default: body.remove(at: index)
                    }
                }
                let path = Self.endpoints[round % Self.endpoints.count]
                let bytes = Array(Self.head(path, framing: "Transfer-Encoding: chunked\r\n").utf8) + body
                let answer = try await RawHTTP.exchange(port: port, bytes: bytes, halfClose: true)
                let status = RawHTTP.status(of: answer)
                #expect(status.map { $0 < 500 } == true, "round \(round) at \(path), body \(body): \(answer.prefix(200))")
            }
            #expect(try await send(.GET, server.baseURL + "/healthz").status == 200)
            #expect(await server.terminate() == 0)
            let errors = server.text.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
            #expect(errors.isEmpty, "client mistakes logged at error: \(errors.prefix(5))")
        }
    }
}

/// A small seeded generator, so a failing fuzz round can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
