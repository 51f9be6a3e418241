/// ECDSA signatures from the DER form libcrypto writes (`SEQUENCE { INTEGER r, INTEGER s }`,
/// RFC 3279 §2.2.3) to the fixed-width `r ‖ s` a JWS carries (RFC 7518 §3.4).
///
/// Read by hand rather than through swift-crypto's `ECDSASignature(derRepresentation:)`, which
/// parses through BoringSSL's ASN.1 objects and allocates several times on every ES256 token;
/// the structure is two integers, and anything else is refused.
enum ECDSASignatureDER {
    /// `r ‖ s`, each left-padded to `width` bytes (32 for P-256); nil when `der` is not exactly
    /// such a sequence or an integer does not fit.
    static func raw(_ der: [UInt8], width: Int) -> [UInt8]? {
        var index = 0
        guard der.count >= 2, der[0] == 0x30, let length = readLength(der, &index, from: 1), index + length == der.count else {
            return nil
        }
        var output = [UInt8](repeating: 0, count: 2 * width)
        for half in 0..<2 {
            guard index < der.count, der[index] == 0x02, let length = readLength(der, &index, from: index + 1), length > 0,
                  index + length <= der.count
            else { return nil }
            var integer = der[index..<(index + length)]
            // A positive INTEGER: a leading zero byte only when the next byte has its high bit set.
            while integer.count > 1, integer.first == 0 { integer = integer.dropFirst() }
            guard integer.first.map({ $0 & 0x80 == 0 || length > integer.count }) ?? false, integer.count <= width else {
                return nil
            }
            let end = (half + 1) * width
            output.replaceSubrange((end - integer.count)..<end, with: integer)
            index += length
        }
        return index == der.count ? output : nil
    }

    /// A DER length at `start` (short form, or long form of one byte); `index` moves past it.
    private static func readLength(_ der: [UInt8], _ index: inout Int, from start: Int) -> Int? {
        guard start < der.count else { return nil }
        let first = der[start]
        if first < 0x80 {
            index = start + 1
            return Int(first)
        }
        guard first == 0x81, start + 1 < der.count, der[start + 1] >= 0x80 else { return nil }
        index = start + 2
        return Int(der[start + 1])
    }
}
