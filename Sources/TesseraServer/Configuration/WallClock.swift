import Foundation
import Synchronization

/// The time, in whole Unix seconds, injected so that tests can move it instead of sleeping.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int

    public init(_ read: @escaping @Sendable () -> Int) {
        self.read = read
    }

    public static let system = WallClock { Int(Date().timeIntervalSince1970) }

    public func now() -> Int { read() }
}

/// A clock that stands still until told to move: for tests of expiry.
public final class ManualClock: Sendable {
    private let seconds: Mutex<Int>

    public init(_ start: Int? = nil) {
        self.seconds = Mutex(start ?? WallClock.system.now())
    }

    public func advance(by interval: Int) {
        seconds.withLock { $0 += interval }
    }

    public var wallClock: WallClock {
        WallClock { self.seconds.withLock { $0 } }
    }
}
