/// Comparisons whose duration does not depend on where two values first differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes, in time that depends only on their lengths.
    ///
    /// Used for every comparison of a secret with a secret: client secrets, CSRF tokens,
    /// PKCE challenges, `state`.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in equals(a, b) } }
    }

    /// String form of ``equals(_:_:)-([UInt8],[UInt8])``, over the strings' UTF-8 bytes.
    public static func equals(_ a: String, _ b: String) -> Bool {
        // Compared in place, without copying either string's bytes into an array.
        var a = a, b = b
        return a.withUTF8 { a in b.withUTF8 { b in equals(a, b) } }
    }

    private static func equals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }
}
