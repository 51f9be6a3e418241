import Foundation

/// Reads a result column (an ``SQLiteValue``) as the `Decodable` type the store asks for.
///
/// The conversions are SQLiteKit's, which the store was written against: text reads as text (and
/// an integer or a real as its digits), integers only from integers, reals from either, booleans
/// from 1 and 0, bytes from a blob, nil from NULL. A type that asks for a keyed or unkeyed container
/// is decoded from the column's JSON text.
enum SQLiteValueDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from value: SQLiteValue) throws -> T {
        // Bytes come from a blob, not from the unkeyed container their Decodable form asks for.
        if T.self == [UInt8].self || T.self == Data.self {
            guard case .blob(let bytes) = value else { throw mismatch(T.self, value) }
            return T.self == Data.self ? Data(bytes) as! T : bytes as! T
        }
        do {
            return try T(from: SingleValueDecoder(value: value))
        } catch is CompositeRequested {
            guard case .text(let json) = value else { throw mismatch(T.self, value) }
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        }
    }

    fileprivate static func mismatch(_ type: Any.Type, _ value: SQLiteValue) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "SQLite holds \(value.storageClass) here, not \(type)"))
    }
}

extension SQLiteValue {
    /// SQLite's name for the storage class, for errors (never the value: it may be a secret's hash).
    var storageClass: String {
        switch self {
        case .integer: "an INTEGER"
        case .float: "a REAL"
        case .text: "TEXT"
        case .blob: "a BLOB"
        case .null: "NULL"
        }
    }
}

/// Thrown when a type wants a container a single column cannot be: the caller falls back to JSON.
private struct CompositeRequested: Error {}

/// A decoder over one column's value.
private struct SingleValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLiteValue
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw CompositeRequested() }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw CompositeRequested() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value == .null }

    func decode(_ type: String.Type) throws -> String {
        switch value {
        case .text(let text): text
        case .integer(let integer): String(integer)
        case .float(let double): String(double)
        case .blob, .null: throw SQLiteValueDecoder.mismatch(type, value)
        }
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch value {
        case .integer(1): true
        case .integer(0): false
        default: throw SQLiteValueDecoder.mismatch(type, value)
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .float(let double): double
        case .integer(let integer): Double(integer)
        default: throw SQLiteValueDecoder.mismatch(type, value)
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try SQLiteValueDecoder.decode(T.self, from: value)
    }

    /// An integer column, refused when it does not fit `T` (rather than trapping).
    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .integer(let integer) = value, let exact = T(exactly: integer) else {
            throw SQLiteValueDecoder.mismatch(type, value)
        }
        return exact
    }
}
