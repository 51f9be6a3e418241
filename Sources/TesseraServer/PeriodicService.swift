import Logging
import ServiceLifecycle

/// Background work a running node repeats every `interval` until graceful shutdown: reloading
/// the signing keys, collecting expired rows. A round that fails is logged (its error's type
/// only, never its text, which could quote a query) and the next round tries again.
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let round: @Sendable (Logger) async throws -> Void

    func run() async throws {
        let logger = Logger(label: "tessera.\(name)")
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    try await round(logger)
                } catch where Task.isCancelled {
                    return
                } catch {
                    logger.warning("\(name) failed; trying again in \(interval)",
                                   metadata: ["error.type": .string(String(describing: type(of: error)))])
                }
            }
        }
    }
}
