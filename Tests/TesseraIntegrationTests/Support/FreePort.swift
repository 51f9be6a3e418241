#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A loopback port nobody is listening on, for the server under test to bind.
///
/// Chosen below Linux's ephemeral range (32768–60999), which the kernel draws from for every
/// outgoing connection (the tests open hundreds, to PostgreSQL and to the servers), and never
/// handed out twice in one test process: a server may take a second or more, opening its
/// database, before it binds the port, and in the meantime another test would find it free.
func freeLoopbackPort() -> Int {
    let (socketFD, port) = socketOnFreeLoopbackPort()
    close(socketFD)
    return port
}

private let portsHandedOut = Mutex<Set<Int>>([])

/// A loopback port that accepts connections (the kernel completes the handshake into the backlog)
/// and never answers: a database that hangs, for the connect timeout. Closed by `close()`.
final class SilentListener: Sendable {
    let port: Int
    private let socketFD: Int32

    init() {
        (socketFD, port) = socketOnFreeLoopbackPort()
        precondition(listen(socketFD, 16) == 0, "listen() failed")
    }

    func close() {
        _ = Glibc.close(socketFD)
    }
}

/// A TCP socket bound to 127.0.0.1 on a free port below the ephemeral range, and that port.
private func socketOnFreeLoopbackPort() -> (Int32, Int) {
    while true {
        let port = Int.random(in: 10_000..<30_000)
        guard portsHandedOut.withLock({ $0.insert(port).inserted }) else { continue }
        if let socketFD = boundLoopbackSocket(port: port) {
            return (socketFD, port)
        }
    }
}

/// A TCP socket bound to 127.0.0.1:`port`, or nil when the port is taken.
private func boundLoopbackSocket(port: Int) -> Int32? {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(socketFD >= 0, "socket() failed")
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else {
        close(socketFD)
        return nil
    }
    return socketFD
}
