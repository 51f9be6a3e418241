import Testing
@testable import TesseraServer

/// libcrypto's DER ECDSA signatures turned into a JWS's `r ‖ s` (RFC 7518 §3.4), edge cases by hand;
/// `JWSSignatureTests` checks thousands of real signatures against jwt-kit's verifier.
@Suite("ECDSA signatures from DER to r ‖ s (RFC 7518 §3.4)")
struct ECDSASignatureDERTests {
    private func der(_ r: [UInt8], _ s: [UInt8]) -> [UInt8] {
        let body = [0x02, UInt8(r.count)] + r + [0x02, UInt8(s.count)] + s
        return [0x30, UInt8(body.count)] + body
    }

    @Test("RFC 7518 §3.4: r and s are left-padded to 32 bytes; a sign-bit zero byte is dropped")
    func widths() throws {
        let full = [UInt8](repeating: 0x11, count: 32)
        let high = [0x00] + [UInt8](repeating: 0x99, count: 32)
        let short = [UInt8](repeating: 0x22, count: 30)
        #expect(ECDSASignatureDER.raw(der(full, full), width: 32) == full + full)
        #expect(ECDSASignatureDER.raw(der(high, short), width: 32) == [UInt8](repeating: 0x99, count: 32) + [0, 0] + short)
        #expect(ECDSASignatureDER.raw(der([0x00], [0x01]), width: 32) == [UInt8](repeating: 0, count: 32) + [UInt8](repeating: 0, count: 31) + [1])
    }

    @Test("RFC 3279 §2.2.3: anything but SEQUENCE { INTEGER, INTEGER } that fits is refused", arguments: [
        [UInt8](),
        [0x30, 0x00],
        [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],            // not a SEQUENCE
        [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],            // length beyond the end
        [0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0x01],            // s not an INTEGER
        [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00],      // trailing byte inside
        [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],            // negative r
        [0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01],                  // empty INTEGER
        [0x30, 0x26, 0x02, 0x21] + [UInt8](repeating: 0x11, count: 33) + [0x02, 0x01, 0x01], // r wider than 32 bytes
    ])
    func refused(_ bytes: [UInt8]) {
        #expect(ECDSASignatureDER.raw(bytes, width: 32) == nil)
    }
}
