import Logging
import ServiceLifecycle

/// A server running in-process in its own ServiceGroup until stopped: how the tests run the
/// provider (``TestServer``) and the relying-party app (``TestRelyingParty``).
struct RunningApplication: Sendable {
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// Runs the service `make` builds, handing it the callback to call once its socket is bound,
    /// and returns when it has been called.
    /// - Throws: ``NotStarted`` when the service ended without ever starting (its port was taken
    ///   meanwhile), rather than waiting forever.
    static func start(logger: Logger, _ make: (_ onRunning: @escaping @Sendable () -> Void) throws -> some Service) async throws -> RunningApplication {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let group = ServiceGroup(services: [try make { startedContinuation.yield() }], gracefulShutdownSignals: [], logger: logger)
        let running = Task {
            defer { startedContinuation.finish() }
            try await group.run()
        }
        for await _ in started {
            return RunningApplication(group: group, running: running)
        }
        do {
            try await running.value
        } catch {
            throw NotStarted(reason: error)
        }
        throw NotStarted(reason: nil)
    }

    /// The service ended before it bound its socket.
    struct NotStarted: Error {
        let reason: (any Error)?
    }

    /// `start(port)` with a free loopback port, again with another when the first is taken before
    /// the server binds it: ``freeLoopbackPort()`` closes its socket, and an outgoing connection
    /// of a concurrent test may take the port as its own in between.
    static func onFreePort<Result>(attempts: Int = 5, _ start: (Int) async throws -> Result) async throws -> Result {
        for _ in 1..<attempts {
            do {
                return try await start(freeLoopbackPort())
            } catch is NotStarted {
                continue
            }
        }
        return try await start(freeLoopbackPort())
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
