import Foundation

/// Turns a bind SQLKit hands over (`any Encodable`) into an ``SQLiteValue``.
///
/// The store binds strings, integers, booleans and optionals of them; they are matched directly,
/// without an encoder. Any other type is asked to encode itself as a single value (an enum with a
/// raw value, say); a type that encodes a keyed or unkeyed container is bound as its JSON text,
/// as SQLiteKit did. Booleans are SQLite's 1 and 0.
enum SQLiteBindEncoder {
    static func encode(_ value: any Encodable) throws -> SQLiteValue {
        switch value {
        case let text as String: return .text(text)
        case let integer as Int: return .integer(Int64(integer))
        case let integer as Int64: return .integer(integer)
        case let bool as Bool: return .integer(bool ? 1 : 0)
        case let double as Double: return .float(double)
        case let bytes as [UInt8]: return .blob(bytes)
        case let data as Data: return .blob(Array(data))
        default:
            // Optionals land here: a nil matches none of the cases above.
            let encoder = SingleValueEncoder()
            try value.encode(to: encoder)
            if encoder.isComposite {
                return .text(String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
            }
            guard let encoded = encoder.value else {
                throw SQLiteFailure(message: "a bind of type \(type(of: value)) encoded no value")
            }
            return encoded
        }
    }
}

/// Takes the one value a bind encodes; notes when it asks for a keyed or unkeyed container instead.
private final class SingleValueEncoder: Encoder, SingleValueEncodingContainer {
    var value: SQLiteValue?
    var isComposite = false

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        isComposite = true
        return KeyedEncodingContainer(CompositeMarker<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        isComposite = true
        return CompositeMarker<SingleValueEncoder.NoKey>(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { value = .null }
    func encode(_ value: Bool) throws { self.value = .integer(value ? 1 : 0) }
    func encode(_ value: String) throws { self.value = .text(value) }
    func encode(_ value: Double) throws { self.value = .float(value) }
    func encode(_ value: Float) throws { self.value = .float(Double(value)) }
    func encode(_ value: Int) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: Int8) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: Int16) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: Int32) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: Int64) throws { self.value = .integer(value) }
    func encode(_ value: UInt8) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: UInt16) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: UInt32) throws { self.value = .integer(Int64(value)) }
    func encode(_ value: UInt) throws { self.value = .integer(try Self.exact(value)) }
    func encode(_ value: UInt64) throws { self.value = .integer(try Self.exact(value)) }
    func encode<T: Encodable>(_ value: T) throws { self.value = try SQLiteBindEncoder.encode(value) }

    private static func exact(_ value: some BinaryInteger) throws -> Int64 {
        guard let integer = Int64(exactly: value) else {
            throw SQLiteFailure(message: "\(value) does not fit SQLite's 64-bit integer")
        }
        return integer
    }

    fileprivate struct NoKey: CodingKey {
        var stringValue: String { "" }
        var intValue: Int? { nil }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }
}

/// The container a composite bind writes into: its values are dropped, since the bind is then
/// encoded again, whole, as JSON.
private struct CompositeMarker<Key: CodingKey>: KeyedEncodingContainerProtocol, UnkeyedEncodingContainer {
    let encoder: SingleValueEncoder
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {}
    mutating func nestedContainer<Nested: CodingKey>(keyedBy keyType: Nested.Type, forKey key: Key) -> KeyedEncodingContainer<Nested> {
        KeyedEncodingContainer(CompositeMarker<Nested>(encoder: encoder))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }

    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {}
    mutating func nestedContainer<Nested: CodingKey>(keyedBy keyType: Nested.Type) -> KeyedEncodingContainer<Nested> {
        KeyedEncodingContainer(CompositeMarker<Nested>(encoder: encoder))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { encoder }
}
