/// A range of IP addresses in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a bare address is
/// the range of that one address. Host bits after the prefix are ignored (`10.1.2.3/8` is
/// `10.0.0.0/8`).
///
/// ```swift
/// let proxies = CIDR("10.0.0.0/8")!
/// proxies.contains(IPAddress("10.2.3.4")!)   // true
/// ```
public struct CIDR: Sendable, Hashable, LosslessStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// Parses `ADDRESS/PREFIX` or a bare `ADDRESS`; nil when either part is malformed or the prefix
    /// is longer than the address (32 bits for IPv4, 128 for IPv6).
    public init?(_ description: String) {
        let parts = description.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        var prefixLength = bits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), parts[1].count <= 3,
                  let length = Int(parts[1]), length <= bits
            else { return nil }
            prefixLength = length
        }
        self.network = address.masked(to: prefixLength)
        self.prefixLength = prefixLength
    }

    /// Whether `address` is in the range (an IPv4 address is never in an IPv6 range, nor the reverse).
    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count && address.masked(to: prefixLength) == network
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
