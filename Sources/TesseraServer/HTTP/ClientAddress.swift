import HTTPTypes

/// Who sent a request, as far as it can be trusted: the peer of the connection, unless the peer is
/// a trusted proxy (``ProviderConfiguration/trustedProxies``), in which case the proxies' own
/// record of whom they forwarded for.
///
/// Each proxy appends the address it received from, so the list is read from the right: the first
/// hop that is not itself a trusted proxy is the client; anything to its left came from the client
/// and may be forged. RFC 7239 `Forwarded: for=` and `X-Forwarded-For` are both read; when a
/// request carries both and they disagree, one of them was written by the client, and the proxy's
/// own address is all that can be trusted.
struct ClientAddressResolver: Sendable {
    let trustedProxies: [CIDR]

    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The client of a request that arrived from `peer` with `headers`; nil when the peer is not
    /// an IP address (a Unix socket) and nothing trusted says otherwise.
    func clientAddress(peer: IPAddress?, headers: HTTPFields) -> IPAddress? {
        guard let peer, isTrusted(peer) else { return peer }
        let forwarded = headers[values: Self.forwarded]
        let xForwardedFor = headers[values: Self.xForwardedFor]
        let fromForwarded = forwarded.isEmpty ? nil : client(hops: ForwardedHeader.hops(forwarded), proxy: peer)
        let fromXForwardedFor = xForwardedFor.isEmpty ? nil : client(hops: ForwardedHeader.xForwardedForHops(xForwardedFor), proxy: peer)
        switch (fromForwarded, fromXForwardedFor) {
        case (let one?, let other?): return one == other ? one : peer
        case (let one?, nil), (nil, let one?): return one
        case (nil, nil): return peer
        }
    }

    /// The rightmost hop that is not a trusted proxy. A hop that is not an address (`unknown`, an
    /// obfuscated `_name`, garbage) ends the walk at the last trusted hop: nothing left of it is
    /// known to come from a proxy.
    private func client(hops: [IPAddress?], proxy: IPAddress) -> IPAddress {
        var last = proxy
        for hop in hops.reversed() {
            guard let hop else { return last }
            guard isTrusted(hop) else { return hop }
            last = hop
        }
        return last
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}

/// The hop lists of `Forwarded` (RFC 7239 §4) and `X-Forwarded-For`, left to right; nil for a hop
/// whose address cannot be read.
enum ForwardedHeader {
    /// The `for=` of each element of every `Forwarded` field line, in order.
    static func hops(_ lines: [String]) -> [IPAddress?] {
        lines.flatMap { split($0, on: ",") }.map { element in
            let pairs = split(element, on: ";").map { pair -> (name: String, value: Substring) in
                let name = pair.prefix { $0 != "=" }
                return (name.trimmingSpaces.lowercased(), pair.dropFirst(name.count + 1))
            }
            return pairs.first { $0.name == "for" }.flatMap { node(unquoted($0.value.trimmingSpaces)) }
        }
    }

    /// The comma-separated addresses of every `X-Forwarded-For` line, in order.
    static func xForwardedForHops(_ lines: [String]) -> [IPAddress?] {
        lines.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { node(Substring($0.trimmingSpaces)) }
    }

    /// An RFC 7239 §6 node: `192.0.2.1`, `192.0.2.1:8080`, `[2001:db8::1]`, `[2001:db8::1]:8080`
    /// (and a bare IPv6 address, as `X-Forwarded-For` writes it); nil for `unknown` and obfuscated names.
    static func node(_ text: Substring) -> IPAddress? {
        if text.hasPrefix("[") {
            guard let end = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: end)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }) else { return nil }
            return IPAddress(text[text.index(after: text.startIndex)..<end])
        }
        if let address = IPAddress(text) { return address }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]), address.isIPv4 else { return nil }
        return address
    }

    /// A quoted-string's content (RFC 9110 §5.6.4), or the token as it is.
    private static func unquoted(_ value: String) -> Substring {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return Substring(value) }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if !escaped && character == "\\" { escaped = true; continue }
            result.append(character)
            escaped = false
        }
        return Substring(result)
    }

    /// `text` split on `separator` outside quoted strings.
    private static func split(_ text: some StringProtocol, on separator: Character) -> [Substring] {
        let text = Substring(text)
        var parts: [Substring] = []
        var start = text.startIndex, quoted = false, escaped = false
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if quoted, character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if !quoted, character == separator {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        parts.append(text[start...])
        return parts
    }
}

extension StringProtocol {
    /// Without the spaces and tabs HTTP allows around list items and parameters.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
