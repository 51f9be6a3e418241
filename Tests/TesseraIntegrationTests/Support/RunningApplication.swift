import Logging
import ServiceLifecycle

/// A server running in-process in its own ServiceGroup until stopped: how the tests run the
/// provider (``TestServer``) and the relying-party app (``TestRelyingParty``).
struct RunningApplication: Sendable {
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// Runs the service `make` builds, handing it the callback to call once its socket is bound,
    /// and returns when it has been called.
    static func start(logger: Logger, _ make: (_ onRunning: @escaping @Sendable () -> Void) throws -> some Service) async throws -> RunningApplication {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let group = ServiceGroup(services: [try make { startedContinuation.yield() }], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        for await _ in started { break }
        return RunningApplication(group: group, running: running)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}

/// Runs `body` with `resource`, then `stop`s it however `body` ends.
func using<Resource, Result>(_ resource: Resource, stop: (Resource) async -> Void,
                             _ body: (Resource) async throws -> Result) async throws -> Result {
    do {
        let result = try await body(resource)
        await stop(resource)
        return result
    } catch {
        await stop(resource)
        throw error
    }
}
