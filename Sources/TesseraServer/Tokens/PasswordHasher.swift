import HummingbirdBcrypt
import NIOPosix
public import TesseraCore

/// bcrypt for user passwords, run on NIO's blocking thread pool so that a login (tens of
/// milliseconds of CPU) never stalls the event loops serving other requests.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// A hash of nothing anyone knows, verified against when the email is unknown, so that an
    /// unknown email and a wrong password take the same time.
    private let decoy: String

    public init(cost: UInt8) {
        self.cost = cost
        self.decoy = Bcrypt.hash(Secret.random().unredacted, cost: cost)
    }

    public func hash(_ password: Secret) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password.unredacted, cost: cost) }
    }

    /// Whether `password` matches `hash`; with no hash (unknown user) it still spends the time.
    public func verify(_ password: Secret, against hash: String?) async throws -> Bool {
        let decoy = self.decoy
        let matches = try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.verify(password.unredacted, hash: hash ?? decoy)
        }
        return matches && hash != nil
    }
}
