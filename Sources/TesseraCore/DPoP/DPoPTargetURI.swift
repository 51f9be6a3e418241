import Foundation

/// The comparison of a proof's `htu` with the URL a request arrived at (RFC 9449 §4.3 step 9):
/// query and fragment ignored, and both sides normalised as RFC 3986 §6.2.2 (case, percent-
/// encoding, dot segments) and §6.2.3 (default port, empty path) say, so that
/// `HTTPS://ID.example:443/a/../oauth/%74oken` and `https://id.example/oauth/token` are one target
/// while any other host, port, scheme or path is not.
public enum DPoPTargetURI {
    /// The normalised form of an absolute `http`/`https` URL, without its query and fragment;
    /// nil for anything else.
    public static func normalized(_ url: String) -> String? {
        let target = withoutQueryAndFragment(url)
        guard let schemeEnd = target.range(of: "://") else { return nil }
        let scheme = target[..<schemeEnd.lowerBound].lowercased()
        let defaultPort: String
        switch scheme {
        case "https": defaultPort = "443"
        case "http": defaultPort = "80"
        default: return nil
        }
        let rest = target[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<authorityEnd]).lowercased()
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            let port = authority[authority.index(after: colon)...]
            guard port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber) else { return nil }
            if port.isEmpty || port == defaultPort { authority = String(authority[..<colon]) }
        }
        guard let path = normalizedPath(String(rest[authorityEnd...])) else { return nil }
        return scheme + "://" + authority + path
    }

    /// `url` up to its first `?` or `#`: what a proof's `htu` carries (§4.2).
    public static func withoutQueryAndFragment(_ url: String) -> String {
        String(url.prefix(while: { $0 != "?" && $0 != "#" }))
    }

    /// Percent-encodings in upper case, those of unreserved characters decoded, dot segments
    /// removed (RFC 3986 §5.2.4), and `/` for an empty path.
    private static func normalizedPath(_ path: String) -> String? {
        var bytes = [UInt8]()
        var input = Array(path.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard input.count >= 2, let high = FormURLEncoding.hexValue(input.removeFirst()),
                  let low = FormURLEncoding.hexValue(input.removeFirst()) else {
                return nil
            }
            let decoded = high << 4 | low
            if isUnreserved(decoded) {
                bytes.append(decoded)
            } else {
                bytes.append(contentsOf: Array(format(decoded).utf8))
            }
        }
        var output: [Substring] = []
        let segments = String(decoding: bytes, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".": if isLast { output.append("") }
            case "..":
                _ = output.popLast()
                if isLast { output.append("") }
            default: output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    private static func format(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    /// RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
        }
    }
}
