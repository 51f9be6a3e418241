/// Any JSON value, kept as parsed, for the few places where a protocol carries free-form JSON:
/// a claim's `value` in the `claims` request parameter (OpenID Connect Core §5.5.1) and the
/// standard claims of a user (§5.1), whose `address` is an object and `*_verified` booleans.
///
/// ```swift
/// let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"essential":true}"#.utf8))
/// value.object?["essential"]   // .bool(true)
/// ```
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number):
            // Whole numbers (timestamps such as `updated_at`) are written without a fraction.
            if number.rounded() == number, let integer = Int64(exactly: number) {
                try container.encode(integer)
            } else {
                try container.encode(number)
            }
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }

    /// The members, when this is an object.
    public var object: [String: JSONValue]? {
        if case .object(let object) = self { object } else { nil }
    }

    /// The text, when this is a string.
    public var string: String? {
        if case .string(let string) = self { string } else { nil }
    }

    /// The number, when this is one.
    public var number: Double? {
        if case .number(let number) = self { number } else { nil }
    }
}

/// A coding key for objects whose member names are data, not code (claims, address members).
public struct JSONMemberKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) { self.stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
