/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its parameters,
/// such as `Bearer error="invalid_token", resource_metadata="https://api.example/.well-known/…"`.
///
/// A client that meets an API before it has a token reads the `Bearer` challenge of the API's 401
/// to learn where the API describes itself (RFC 9728 §5.1) and, on a 403, which scope it lacks
/// (RFC 6750 §3). Parsing is lenient about spacing and strict about quoting: a parameter whose
/// quoted string never closes is dropped rather than guessed at.
///
/// ```swift
/// let bearer = AuthenticationChallenge.parse(response.header("WWW-Authenticate") ?? "").first { $0.scheme == "bearer" }
/// let metadataURL = bearer?.parameters["resource_metadata"]
/// ```
public struct AuthenticationChallenge: Sendable, Equatable {
    /// The scheme, lower-cased (schemes are case-insensitive).
    public let scheme: String
    /// The auth-params by lower-cased name; a repeated name keeps its first value.
    public let parameters: [String: String]

    /// Every challenge in a header value; one header may carry several, separated by commas.
    public static func parse(_ header: String) -> [AuthenticationChallenge] {
        var scanner = Scanner(Array(header.utf8))
        var challenges: [AuthenticationChallenge] = []
        while let scheme = scanner.nextChallengeScheme() {
            var parameters: [String: String] = [:]
            while let (name, value) = scanner.nextParameter() {
                if parameters[name] == nil { parameters[name] = value }
            }
            challenges.append(AuthenticationChallenge(scheme: scheme, parameters: parameters))
        }
        return challenges
    }

    /// A cursor over the header's bytes. A parameter is `token = (token | quoted-string)`; a token
    /// not followed by `=` starts the next challenge.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func nextChallengeScheme() -> String? {
            skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ",") }
            guard let scheme = token(), !scheme.isEmpty else { return nil }
            return scheme.lowercased()
        }

        mutating func nextParameter() -> (String, String)? {
            let start = index
            skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ",") }
            guard let name = token(), !name.isEmpty else { index = start; return nil }
            skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                index = start   // a bare token: the next challenge's scheme
                return nil
            }
            index += 1
            skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                guard let value = quotedString() else { index = bytes.count; return nil }
                return (name.lowercased(), value)
            }
            return token().map { (name.lowercased(), $0) }
        }

        /// RFC 9110 §5.6.2 tchar run (token68's `/` `=` `+` included, so a bare value reads whole).
        private mutating func token() -> String? {
            let start = index
            while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
            return start < index ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        /// RFC 9110 §5.6.4: `"…"` with backslash escapes; `nil` when it never closes.
        private mutating func quotedString() -> String? {
            index += 1
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\") where index < bytes.count:
                    value.append(bytes[index])
                    index += 1
                default: value.append(byte)
                }
            }
            return nil
        }

        private mutating func skip(while matches: (UInt8) -> Bool) {
            while index < bytes.count, matches(bytes[index]) { index += 1 }
        }

        private static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: "!#$%&'*+-.^_`|~/".utf8.contains(byte)
            }
        }
    }
}
