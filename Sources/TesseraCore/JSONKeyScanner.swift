/// Finds a repeated key at the top level of a JSON object.
///
/// `JSONSerialization` silently keeps one of two equal keys; RFC 6749 §3.2 forbids a repeated
/// parameter, so the token endpoint scans for one before trusting the parsed object. The scanner
/// only tracks string boundaries and nesting depth: the body has already parsed as valid JSON.
enum JSONKeyScanner {
    static func firstRepeatedTopLevelKey(in body: some Collection<UInt8>) -> String? {
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

    /// The raw text of a string whose opening quote was just read, escapes left as written.
    private static func readString<I: IteratorProtocol<UInt8>>(_ iterator: inout I) -> String {
        var bytes = [UInt8]()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "\\") {
                bytes.append(byte)
                if let escaped = iterator.next() { bytes.append(escaped) }
            } else if byte == UInt8(ascii: "\"") {
                break
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
