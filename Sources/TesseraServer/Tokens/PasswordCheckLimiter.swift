/// A bound on the bcrypt work of one process: at most `concurrent` hashes at once and `queued`
/// more waiting; any caller beyond that is refused at once, so a flood of logins (each tens of
/// milliseconds of CPU) is answered "busy" instead of burning every core and every event loop's
/// patience.
actor PasswordCheckLimiter {
    private let concurrent: Int
    private let queued: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// How many hashes were started, for ``PasswordHasher/checksPerformed``.
    private(set) var started = 0

    init(concurrent: Int, queued: Int) {
        self.concurrent = max(concurrent, 1)
        self.queued = max(queued, 0)
    }

    /// Takes a slot, waiting in line when all are taken; false (and no slot) when the line is full.
    func acquire() async -> Bool {
        if running < concurrent {
            running += 1
        } else {
            guard waiting.count < queued else { return false }
            // The releasing caller hands its slot over: `running` stays as it is.
            await withCheckedContinuation { waiting.append($0) }
        }
        started += 1
        return true
    }

    /// Callers waiting for a slot.
    var waitingCount: Int { waiting.count }

    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
