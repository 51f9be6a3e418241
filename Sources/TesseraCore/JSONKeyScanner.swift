import Foundation

/// Finds a repeated key at the top level of a JSON object.
///
/// `JSONSerialization` silently keeps one of two equal keys; RFC 6749 §3.2 forbids a repeated
/// parameter, so the token endpoint scans for one before trusting the parsed object. The scanner
/// only tracks string boundaries and nesting depth: the body has already parsed as valid JSON.
/// Keys are compared as the parser reads them, escapes decoded: `"c\u006fde"` is `code`, and
/// must not smuggle a second `code` past the check. The registration endpoint (RFC 7591) uses it
/// the same way on client metadata.
public enum JSONKeyScanner {
    public static func firstRepeatedTopLevelKey(in body: some Collection<UInt8>) -> String? {
        var seen = Set<String>()
        var depth = 0
        var expectingKey = false
        var iterator = body.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let string = readString(&iterator)
                if expectingKey {
                    expectingKey = false
                    if !seen.insert(string).inserted { return string }
                }
            default:
                continue
            }
        }
        return nil
    }

    /// The text of a string whose opening quote was just read, its escapes decoded.
    private static func readString<I: IteratorProtocol<UInt8>>(_ iterator: inout I) -> String {
        var bytes = [UInt8(ascii: "\"")]
        var escaped = false
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "\\") {
                escaped = true
                bytes.append(byte)
                if let next = iterator.next() { bytes.append(next) }
            } else if byte == UInt8(ascii: "\"") {
                break
            } else {
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        // Escapes are rare (an attack, or a key outside ASCII): let the parser decode them.
        if escaped, let decoded = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) as? String {
            return decoded
        }
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}
