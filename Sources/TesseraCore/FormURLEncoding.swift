/// The `application/x-www-form-urlencoded` codec (WHATWG URL §5) used for token requests, callbacks
/// and redirects, on both sides.
///
/// Parsing keeps every pair in order, duplicates included, because RFC 6749 §3.2 makes a repeated
/// parameter an error and only the caller knows which names matter.
public enum FormURLEncoding {
    /// The name/value pairs of `body`, `+` read as space and `%XX` decoded; `nil` when a `%` escape
    /// is malformed or the bytes are not UTF-8.
    public static func decode(_ body: String) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        // Split on the bytes `&` and `=`, as WHATWG URL §5.1 does — not on Characters, which costs
        // grapheme breaking on every body (half the parsing time of a token request).
        for field in body.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = field.firstIndex(of: UInt8(ascii: "="))
            guard let name = unescape(Substring(field[..<(equals ?? field.endIndex)])) else { return nil }
            guard let value = equals.map({ unescape(Substring(field[field.index(after: $0)...])) }) ?? "" else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    /// `pairs` as a form body, escaping everything but the unreserved characters.
    public static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    /// One component escaped: unreserved characters (RFC 3986 §2.3) stay, space becomes `+`,
    /// every other byte `%XX`. Also the encoding RFC 6749 §2.3.1 asks of a Basic client id and secret.
    public static func escape(_ string: some StringProtocol) -> String {
        var out = [UInt8]()
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(contentsOf: Array(String(byte, radix: 16, uppercase: true).leftPadded(to: 2).utf8))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One component unescaped: `+` is space, `%XX` a byte; `nil` when malformed or not UTF-8.
    public static func unescape(_ string: some StringProtocol) -> String? {
        // Most components (codes, URLs already escaped by the client, grant types) hold neither
        // `%` nor `+`: they are already their own text, with no byte-by-byte copy.
        if !string.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return String(string)
        }
        var bytes = [UInt8]()
        var iterator = Array(string.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The value of one hexadecimal digit of a percent-encoding (upper or lower case); nil for
    /// any other byte. Shared with ``DPoPTargetURI``'s normalisation.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
