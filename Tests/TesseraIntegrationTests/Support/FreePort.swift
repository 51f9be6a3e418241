#if canImport(Glibc)
import Glibc
#endif

/// A loopback port nobody is listening on: the kernel picks one for a socket bound to port 0,
/// which is then closed for the server under test to bind.
func freeLoopbackPort() -> Int {
    let (socketFD, port) = boundLoopbackSocket()
    close(socketFD)
    return port
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel picked, and that port.
private func boundLoopbackSocket() -> (fd: Int32, port: Int) {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(socketFD >= 0, "socket() failed")
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
    }
    precondition(bound == 0, "bind() failed")
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(socketFD, $0, &length) }
    }
    return (socketFD, Int(UInt16(bigEndian: address.sin_port)))
}

/// A loopback socket that takes connections (the kernel completes each handshake into the
/// backlog) and never answers: a provider that hangs, for timeout tests.
struct SilentListener {
    let port: Int
    private let socketFD: Int32

    init() {
        (socketFD, port) = boundLoopbackSocket()
        precondition(listen(socketFD, 16) == 0, "listen() failed")
    }

    func close() { _ = Glibc.close(socketFD) }
}
