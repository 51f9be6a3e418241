/// Calls its action once, when the last of `count` listeners has bound its socket: an application
/// with an admin listener is "running" only when both ports accept connections, so a script or
/// test waiting for it never probes a port still being bound.
actor ListenersBound {
    private var remaining: Int
    private let action: @Sendable () async -> Void

    init(count: Int, then action: @escaping @Sendable () async -> Void) {
        self.remaining = count
        self.action = action
    }

    func arrive() async {
        remaining -= 1
        if remaining == 0 { await action() }
    }
}
