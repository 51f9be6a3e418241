import HummingbirdBcrypt
import NIOCore
import NIOPosix
public import TesseraCore
import Tracing

/// bcrypt for user passwords, run on NIO's blocking thread pool so that a login (tens of
/// milliseconds of CPU) never stalls the event loops serving other requests, and bounded by a
/// ``PasswordCheckLimiter`` so that many logins at once cannot take every core.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// A hash of nothing anyone knows, verified against when the email is unknown, so that an
    /// unknown email and a wrong password take the same time.
    private let decoy: String
    private let limiter: PasswordCheckLimiter

    /// Every thread of the pool busy and the line full: try again shortly.
    public struct Busy: Error {}

    /// - Parameters:
    ///   - concurrent: hashes computed at once (nil: one per core, the thread pool's size).
    ///   - queued: hashes waiting for one of those; callers beyond get ``Busy``.
    public init(cost: UInt8, concurrent: Int? = nil, queued: Int = 32) {
        self.cost = cost
        self.decoy = Bcrypt.hash(Secret.random().unredacted, cost: cost)
        self.limiter = PasswordCheckLimiter(concurrent: concurrent ?? System.coreCount, queued: queued)
    }

    /// - Throws: ``Busy`` when the limit is reached.
    public func hash(_ password: Secret) async throws -> String {
        let cost = self.cost
        return try await traced("password.hash") { try await limited { Bcrypt.hash(password.unredacted, cost: cost) } }
    }

    /// Whether `password` matches `hash`; with no hash (unknown user) it still spends the time.
    /// - Throws: ``Busy`` when the limit is reached: nothing was checked.
    public func verify(_ password: Secret, against hash: String?) async throws -> Bool {
        let decoy = self.decoy
        let matches = try await traced("password.verify") { try await limited { Bcrypt.verify(password.unredacted, hash: hash ?? decoy) } }
        return matches && hash != nil
    }

    /// A span around one bcrypt run (its wait for a thread included): the scheme and cost only,
    /// never the password, the hash or whose they are — nor whether it matched.
    private func traced<Result: Sendable>(_ name: String, _ work: () async throws -> Result) async throws -> Result {
        try await withSpan(name) { span in
            span.attributes["tessera.password.scheme"] = "bcrypt"
            span.attributes["tessera.password.cost"] = Int(cost)
            return try await work()
        }
    }

    /// How many hashes and checks this hasher has started: what a flood of logins actually cost.
    public var checksPerformed: Int {
        get async { await limiter.started }
    }

    private func limited<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws -> Result {
        guard await limiter.acquire() else { throw Busy() }
        do {
            let result = try await NIOThreadPool.singleton.runIfActive(work)
            await limiter.release()
            return result
        } catch {
            await limiter.release()
            throw error
        }
    }
}
