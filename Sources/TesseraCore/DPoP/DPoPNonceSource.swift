public import Crypto
public import Foundation

/// Server-provided DPoP nonces (RFC 9449 §8, §9) with no storage: a nonce is the number of the
/// current period and an HMAC of it under a key every node shares, so any node accepts any
/// node's nonce, and a new one appears each period.
///
/// A proof must then be made after the client last heard from the server: a proof generated in
/// advance (by malware holding the key for a moment) dies with its period. The previous period's
/// nonce is still accepted, so a client that fetched one just before the change is not refused.
public struct DPoPNonceSource: Sendable {
    private let key: SymmetricKey
    private let period: TimeInterval

    public init(key: SymmetricKey, period: Duration = .seconds(300)) {
        self.key = key
        self.period = max(1, period.seconds)
    }

    /// The nonce to hand out at `date`.
    public func current(at date: Date) -> String {
        nonce(for: periodNumber(at: date))
    }

    /// Whether `nonce` is this period's or the previous one's.
    public func accepts(_ nonce: String, at date: Date) -> Bool {
        guard let bytes = Base64URL.decode(nonce), bytes.count == 8 + Self.macLength else { return false }
        let number = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let now = periodNumber(at: date)
        guard number == now || number &+ 1 == now else { return false }
        return ConstantTime.equals(Array(bytes.suffix(Self.macLength)), mac(of: number))
    }

    /// 128 bits of HMAC: forging a nonce means guessing them.
    private static let macLength = 16

    private func periodNumber(at date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970 / period).rounded(.down))
    }

    private func nonce(for number: UInt64) -> String {
        Base64URL.encode(bigEndian(number) + mac(of: number))
    }

    private func mac(of number: UInt64) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("dpop-nonce/v1".utf8) + bigEndian(number), using: key).prefix(Self.macLength))
    }

    private func bigEndian(_ number: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: number >> ($0 * 8)) }
    }
}
