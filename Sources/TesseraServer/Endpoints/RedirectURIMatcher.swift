import Foundation

/// Decides whether a redirect URI in a request is one the client registered.
///
/// Exact string comparison (RFC 9700 §4.1.3), with the one exception RFC 8252 §7.3 makes for
/// native apps: a public client's registered `http` URI on a loopback IP literal (127.0.0.1 or
/// [::1]) matches the same URI on any port, because the app listens on whatever port the system
/// gives it. Not `localhost` (a name that can resolve elsewhere, RFC 8252 §8.3), and never for a
/// confidential client: a web server's redirect URI has a fixed port, and relaxing it would let
/// any local process on another port receive that client's codes.
enum RedirectURIMatcher {
    static func isRegistered(_ candidate: String, for client: Client) -> Bool {
        isRegistered(candidate, in: client.redirectURIs, allowingAnyLoopbackPort: client.isPublic)
    }

    static func isRegistered(_ candidate: String, in registered: [String], allowingAnyLoopbackPort: Bool) -> Bool {
        if registered.contains(candidate) { return true }
        guard allowingAnyLoopbackPort, let requested = LoopbackURI(candidate) else { return false }
        return registered.contains { LoopbackURI($0)?.matches(requested) == true }
    }

    /// An `http` URI on a loopback IP literal, with its port set aside.
    private struct LoopbackURI {
        let host: String
        let pathAndQuery: String

        init?(_ text: String) {
            guard let components = URLComponents(string: text), components.scheme == "http",
                  let host = components.host, ["127.0.0.1", "[::1]", "::1"].contains(host),
                  components.user == nil, components.password == nil, components.fragment == nil
            else { return nil }
            self.host = host == "::1" ? "[::1]" : host
            self.pathAndQuery = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        }

        func matches(_ other: LoopbackURI) -> Bool {
            host == other.host && pathAndQuery == other.pathAndQuery
        }
    }
}
