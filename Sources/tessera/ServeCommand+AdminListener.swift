import ArgumentParser
import TesseraServer

extension ServeCommand {
    /// `--admin-host`/`--admin-port` as a listener, or nil when no admin port was given (then
    /// `/metrics` stays on the public port, as before the admin listener existed).
    var adminListener: ListenConfiguration? {
        adminPort.map { ListenConfiguration(host: adminHost ?? "127.0.0.1", port: $0) }
    }

    /// Refuses an admin listener that could not work: a port out of range, the public port itself
    /// (one of the two binds would fail at startup, after the database was opened), or a host
    /// without a port.
    func validateAdminListener() throws {
        guard let adminPort else {
            if adminHost != nil { throw ValidationError("--admin-host needs --admin-port") }
            return
        }
        guard (1...65_535).contains(adminPort) else { throw ValidationError("--admin-port must be between 1 and 65535") }
        guard adminPort != port else { throw ValidationError("--admin-port must differ from --port (\(port))") }
        if let adminHost, adminHost.isEmpty { throw ValidationError("--admin-host must not be empty") }
    }

    /// `scheme://host:port`, an IPv6 literal in brackets.
    static func url(scheme: String = "http", host: String, port: Int) -> String {
        "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
