import Foundation
import NIOHTTP1
import Testing
import TesseraServer

/// `Sources/TesseraManagementAPI/openapi.yaml` is the API's description: every operation it names
/// is served (behind the token check: 401, never 404 or 405), and nothing else under `/api/v2` is.
@Suite("Management API: the routes served are the OpenAPI document's")
struct ManagementAPIDocumentTests {
    /// The document's `servers` URL and its operations, read from the YAML by indentation: paths
    /// at two spaces under `paths:`, methods at four.
    static func documentedOperations() throws -> (server: String, operations: [(method: String, path: String)]) {
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TesseraManagementAPI/openapi.yaml")
        let lines = try String(contentsOf: document, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let server = try #require(lines.first { $0.hasPrefix("  - url: ") }).dropFirst("  - url: ".count)
        var operations: [(String, String)] = []
        var inPaths = false
        var path: String?
        for line in lines {
            if !line.hasPrefix(" "), !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                      let method = ["get", "post", "patch", "put", "delete"].first(where: { line == "    \($0):" }) {
                operations.append((method.uppercased(), path))
            }
        }
        return (String(server), operations)
    }

    @Test("Every documented operation is served behind the token check: 401 without a token, not 404 or 405")
    func documentedRoutesAreServed() async throws {
        let (server, operations) = try Self.documentedOperations()
        #expect(server == "/api/v2")
        #expect(operations.count == 23, "the document's operations: \(operations.map { "\($0.method) \($0.path)" })")
        try await TestServer.with(.sqlite) { provider in
            for (method, path) in operations {
                let concrete = path.replacingOccurrences(of: "{id}", with: "some-id")
                let result = try await send(HTTPMethod(rawValue: method), provider.url(server + concrete))
                #expect(result.status == 401, "\(method) \(path): \(result.status)")
            }
        }
    }

    @Test("With an admin listener the management API is served there and leaves the public port")
    func servedOnAdminListener() async throws {
        try await TestServer.with(.sqlite, adminListener: true) { server in
            let admin = try #require(server.adminBaseURL)
            #expect(try await send(.GET, admin + "/api/v2/clients").status == 401)
            #expect(try await send(.GET, server.url("/api/v2/clients")).status == 404)
        }
    }

    @Test("A path the document does not name is 404 under /api/v2, token or not")
    func undocumentedPathIsNotFound() async throws {
        try await TestServer.with(.sqlite) { server in
            let session = try await server.managementSession()
            for path in ["/connections", "/clients/some-id/credentials", "/users-by-email", "/"] {
                #expect(try await server.managementCall(.GET, path).status == 404, "\(path)")
                #expect(try await session.call(.GET, path).status == 404, "\(path)")
            }
        }
    }
}
