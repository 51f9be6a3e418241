import Foundation
import Testing
@testable import TesseraServer

/// The `form-action` source of the Form Post Response Mode page (``FormPostResponse``): it must
/// match the redirect URI and nothing wider, and stay one well-formed CSP source expression.
@Suite("Form Post Response Mode: the form-action source")
struct FormPostPolicyTests {
    @Test("CSP Level 3 §2.3.1: the redirect URI's origin and path, without its query", arguments: [
        ("https://app.example/callback", "https://app.example/callback"),
        ("https://app.example:8443/cb?tenant=a", "https://app.example:8443/cb"),
        ("http://127.0.0.1:51234/cb", "http://127.0.0.1:51234/cb"),
        ("http://[::1]:8080/cb", "http://[::1]:8080/cb"),
        ("https://app.example/a;b,c", "https://app.example/a%3Bb%2Cc"),
        ("com.example.app:/oauth2redirect", "com.example.app:"),
        ("not a uri", "'none'"),
    ])
    func source(example: (uri: String, source: String)) {
        #expect(FormPostResponse.source(for: example.uri) == example.source)
    }

    @Test("OAuth 2.0 Form Post Response Mode §2: the policy allows the one script by hash and forms only to the redirect URI")
    func policy() {
        let policy = FormPostResponse.policy(formAction: "https://app.example/callback")
        let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(directives.contains("form-action https://app.example/callback"))
        #expect(directives.contains("script-src \(FormPostResponse.scriptHash)"))
        #expect(directives.contains("default-src 'none'"))
        #expect(FormPostResponse.scriptHash.hasPrefix("'sha256-") && FormPostResponse.scriptHash.count == 8 + 44 + 1, "quote, sha256-, 44 base64 characters of 32 bytes, quote")
    }
}
