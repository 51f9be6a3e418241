import Synchronization
import Testing
import TesseraCore

/// The secrets a test used — client secrets, passwords, codes, tokens — checked against every
/// line logged, so a leak anywhere fails the test that caused it.
final class SecretLedger: Sendable {
    private let secrets = Mutex<[String]>([])

    func record(_ secret: Secret?) {
        guard let secret, !secret.isEmpty else { return }
        secrets.withLock { $0.append(secret.unredacted) }
    }

    func record(_ response: TokenResponse) {
        record(response.accessToken)
        record(response.idToken)
        record(response.refreshToken)
    }

    var all: [String] { secrets.withLock { $0 } }

    /// Fails the current test for each recorded secret found in the captured logs.
    func expectNoneLogged(sourceLocation: SourceLocation = #_sourceLocation) {
        let leaked = LogCapture.leaked(all)
        #expect(leaked.isEmpty, "secrets reached the logs: \(leaked.count) of \(all.count)", sourceLocation: sourceLocation)
        #expect(!all.isEmpty, "the test recorded no secrets to look for", sourceLocation: sourceLocation)
    }
}
