/// Writes JSON straight into bytes, for the documents the token endpoint produces on every
/// request: the token response, and a JWT's header and claims.
///
/// `JSONEncoder` builds a tree of boxed values and walks it again to serialize; for these small,
/// fixed-shape objects that was most of the encoding time and many allocations per request.
/// The output holds what `JSONEncoder` with `.withoutEscapingSlashes` writes, member for member
/// (tests parse both and compare; only the order of members may differ, which JSONEncoder leaves
/// unspecified): strings escape `"`, `\` and the control characters U+0000–U+001F and nothing
/// else — `/` and non-ASCII stay as they are, in UTF-8.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.member("token_type", "Bearer")
/// writer.member("expires_in", 86400)
/// writer.endObject()
/// writer.bytes   // {"token_type":"Bearer","expires_in":86400}
/// ```
public struct JSONWriter: Sendable {
    /// The JSON written so far, UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value or member is the first of its object or array (no comma before it).
    private var first = true

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// A value that cannot be written as JSON: a non-finite number.
    public struct InvalidValue: Error, CustomStringConvertible {
        public var description: String { "JSON has no form for a non-finite number" }
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A member's name and colon; its value is the next thing written.
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    public mutating func string(_ value: String) {
        separate()
        writeString(value)
        first = false
    }

    public mutating func integer(_ value: Int64) {
        separate()
        writeInteger(value)
        first = false
    }

    public mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.trueLiteral : Self.falseLiteral)
        first = false
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: Self.nullLiteral)
        first = false
    }

    /// A number as `JSONEncoder` writes a `Double`: its shortest round-tripping form, without a
    /// trailing `.0`.
    public mutating func number(_ value: Double) throws(InvalidValue) {
        guard value.isFinite else { throw InvalidValue() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        separate()
        bytes.append(contentsOf: text.utf8)
        first = false
    }

    /// Any ``JSONValue``, written as its `Encodable` form writes it: a whole number without a
    /// fraction, an object's members in name order (one fixed order for every request).
    public mutating func value(_ value: JSONValue) throws(InvalidValue) {
        switch value {
        case .null: null()
        case .bool(let bool): self.bool(bool)
        case .number(let number):
            if number.rounded() == number, let integer = Int64(exactly: number) {
                self.integer(integer)
            } else {
                try self.number(number)
            }
        case .string(let string): self.string(string)
        case .array(let array):
            beginArray()
            for element in array { try self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for (name, member) in object.sorted(by: { $0.key < $1.key }) {
                key(name)
                try self.value(member)
            }
            endObject()
        }
    }

    // MARK: Members, omitted when nil (as `encodeIfPresent` does)

    public mutating func member(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    public mutating func member(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    public mutating func member(_ name: String, _ values: [String]?) {
        guard let values else { return }
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    public mutating func member(_ name: String, _ value: JSONValue) throws(InvalidValue) {
        key(name)
        try self.value(value)
    }

    // MARK: Writing

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        first = true
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        first = false
    }

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Tokens, URLs and names rarely need escaping: copy them whole when they do not.
            guard utf8.contains(where: Self.needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
                case 0x00..<0x20:
                    bytes.append(contentsOf: Self.unicodeEscapePrefix)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                default:
                    bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func writeInteger(_ value: Int64) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // Digits of the magnitude, least significant first, then reversed in place.
        let start = bytes.count
        var rest = value.magnitude
        while rest > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        }
        bytes[start...].reverse()
    }

    private static let trueLiteral = Array("true".utf8)
    private static let falseLiteral = Array("false".utf8)
    private static let nullLiteral = Array("null".utf8)
    private static let unicodeEscapePrefix = Array(#"\u00"#.utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
}
