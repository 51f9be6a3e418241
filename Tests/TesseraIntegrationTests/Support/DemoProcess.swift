import Foundation
import Testing

/// `tessera demo` as a child process on free ports, in `directory` over the database there (or its
/// own temporary one), with what it printed: the app's, the provider's and the protected API's
/// URLs and the credentials to log in with.
struct DemoProcess {
    let process: ServeProcess
    let appURL: String
    let providerURL: String
    /// The protected API's identifier, `http://127.0.0.1:PORT/`.
    let apiURL: String
    let email: String
    let password: String

    static func start(directory: URL, temporaryDatabase: Bool = false) async throws -> DemoProcess {
        for _ in 1..<3 {
            do {
                return try await start(directory: directory, temporaryDatabase: temporaryDatabase, appPort: freeLoopbackPort(),
                                       providerPort: freeLoopbackPort(), apiPort: freeLoopbackPort())
            } catch ServeProcessError.didNotStart(_, let output) where output.contains("Address already in use") || output.contains("must differ") {
                continue   // a port picked free was taken before the demo bound it: try others
            }
        }
        return try await start(directory: directory, temporaryDatabase: temporaryDatabase, appPort: freeLoopbackPort(),
                               providerPort: freeLoopbackPort(), apiPort: freeLoopbackPort())
    }

    private static func start(directory: URL, temporaryDatabase: Bool, appPort: Int, providerPort: Int, apiPort: Int) async throws -> DemoProcess {
        let database = temporaryDatabase ? [] : ["--database", "sqlite://\(directory.path)/tessera.sqlite"]
        let process = try await ServeProcess(
            launching: ["demo", "--port", "\(appPort)", "--provider-port", "\(providerPort)", "--api-port", "\(apiPort)"] + database,
            baseURL: "http://127.0.0.1:\(appPort)", readyLine: "tessera demo: open ", directory: directory)
        let output = process.text
        #expect(output.contains("tessera demo: open http://127.0.0.1:\(appPort)/"), "\(output)")
        #expect(output.contains("tessera demo: provider http://127.0.0.1:\(providerPort) "), "\(output)")
        #expect(output.contains("tessera demo: protected API http://127.0.0.1:\(apiPort)/ (scope read:messages; "
            + "metadata http://127.0.0.1:\(apiPort)/.well-known/oauth-protected-resource)"), "\(output)")
        // "log in as EMAIL, password PASSWORD (or as any user of the database)"
        let line = try #require(output.split(separator: "\n").first { $0.contains("tessera demo: log in as ") }, "\(output)")
        let words = line.split(separator: " ")
        let email = try #require(words.firstIndex(of: "as").map { String(words[$0 + 1].dropLast()) })
        let password = try #require(words.firstIndex(of: "password").map { String(words[$0 + 1]) })
        return DemoProcess(process: process, appURL: process.baseURL, providerURL: "http://127.0.0.1:\(providerPort)",
                           apiURL: "http://127.0.0.1:\(apiPort)/", email: email, password: password)
    }
}
