import Foundation

/// A throwaway certificate authority and a certificate it signed for localhost and 127.0.0.1,
/// made once per test run with the system's openssl, for the HTTPS tests.
enum TestCertificates {
    struct Files {
        let directory: URL
        var caPath: String { directory.appendingPathComponent("ca.pem").path }
        var certificatePath: String { directory.appendingPathComponent("server.pem").path }
        var keyPath: String { directory.appendingPathComponent("server-key.pem").path }
    }

    static let files: Files = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-tls-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Tessera Test CA' -keyout ca-key.pem -out ca.pem \
              -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server-key.pem -out server.csr 2>/dev/null
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile ext.cnf -out server.pem 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        try? process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "openssl could not make the test certificates")
        return Files(directory: directory)
    }()
}
