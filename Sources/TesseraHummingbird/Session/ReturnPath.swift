import Foundation

/// Where a browser may be sent back to after login: a path on this site, never anywhere else.
///
/// `/login?return_to=…` is attacker-controlled — anyone can send a victim a login link — so
/// anything that a browser could read as another origin is refused: absolute URLs
/// (`https://evil.example`), scheme-relative ones (`//evil.example`), backslashes (`/\evil.example`,
/// which browsers treat as `//`), control characters and white space (which they strip). What is
/// refused falls back to the configured default; nothing is echoed into a `Location` unchecked.
enum ReturnPath {
    /// The longest path accepted.
    static let maximumLength = 2_048

    /// `candidate` when it is a safe same-site path other than one of `excluded` (the login
    /// routes themselves, which would loop), else `fallback`.
    static func sanitized(_ candidate: String?, fallback: String, excluding excluded: Set<String> = []) -> String {
        guard let candidate, isSameSitePath(candidate) else { return fallback }
        let path = String(candidate.prefix { $0 != "?" && $0 != "#" })
        return excluded.contains(path) ? fallback : candidate
    }

    static func isSameSitePath(_ candidate: String) -> Bool {
        guard candidate.utf8.count <= maximumLength, candidate.hasPrefix("/"), !candidate.hasPrefix("//"),
              !candidate.contains("\\"),
              candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f && !$0.properties.isWhitespace }),
              let components = URLComponents(string: candidate),
              components.scheme == nil, components.host == nil, components.percentEncodedPath.hasPrefix("/")
        else { return false }
        return true
    }
}
