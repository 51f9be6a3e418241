import HTTPTypes
import Testing
@testable import TesseraServer

@Suite("Client address: CIDR ranges and forwarding headers")
struct ClientAddressTests {
    @Test("CIDR: IPv4 and IPv6 ranges and bare addresses parse; host bits are ignored")
    func cidrParses() throws {
        #expect(CIDR("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(CIDR("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(CIDR("192.0.2.7")?.description == "192.0.2.7/32")
        #expect(CIDR("2001:DB8::/32")?.description == "2001:db8::/32")
        #expect(CIDR("::1")?.description == "::1/128")
        #expect(CIDR("0.0.0.0/0")?.description == "0.0.0.0/0")
    }

    @Test("CIDR: a malformed range is refused, not read as something wider", arguments: [
        "", "10.0.0.0/33", "::/129", "10.0.0.0/", "/8", "10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/ 8",
        "example.com/8", "10.0.0/8", "10.0.0.256", "2001:db8::/1e2", "[::1]/128", "10.0.0.0/８",
    ])
    func cidrRefuses(text: String) {
        #expect(CIDR(text) == nil)
    }

    @Test("CIDR: membership by prefix; an IPv4-mapped IPv6 peer is its IPv4 address; families never mix")
    func cidrContains() throws {
        let ten = try #require(CIDR("10.0.0.0/8"))
        #expect(ten.contains(try #require(IPAddress("10.255.0.1"))))
        #expect(!ten.contains(try #require(IPAddress("11.0.0.0"))))
        #expect(ten.contains(try #require(IPAddress("::ffff:10.1.2.3"))))
        let documentation = try #require(CIDR("2001:db8::/32"))
        #expect(documentation.contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!documentation.contains(try #require(IPAddress("2001:db9::1"))))
        #expect(!(try #require(CIDR("::/0"))).contains(try #require(IPAddress("10.0.0.1"))))
    }

    @Test("Forwarded (RFC 7239): for= of each element, quoted IPv6 with a port, unknown and obfuscated hops unreadable")
    func forwardedHops() {
        let hops = ForwardedHeader.hops([
            #"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711""#,
            #"for=unknown, for=_hidden, proto=https, for="198.51.100.1:8080", for="x,y""#,
        ])
        #expect(hops.map { $0?.description } == ["192.0.2.60", "2001:db8:cafe::17", nil, nil, nil, "198.51.100.1", nil])
    }

    @Test("X-Forwarded-For: comma-separated, IPv4 with a port, bare or bracketed IPv6, garbage unreadable")
    func xForwardedForHops() {
        let hops = ForwardedHeader.xForwardedForHops(["203.0.113.9 , 192.0.2.1:443", "2001:db8::2,[2001:db8::3]:80, not-an-ip,"])
        #expect(hops.map { $0?.description } == ["203.0.113.9", "192.0.2.1", "2001:db8::2", "2001:db8::3", nil, nil])
    }

    static func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    @Test("the client is the rightmost hop that is not a trusted proxy, and only a trusted peer is asked")
    func resolvesRightmostUntrustedHop() throws {
        let resolver = ClientAddressResolver(trustedProxies: [try #require(CIDR("10.0.0.0/8"))])
        let proxy = IPAddress("10.0.0.1"), outsider = IPAddress("192.0.2.1")
        func client(_ peer: IPAddress?, _ pairs: [(String, String)]) -> String? {
            resolver.clientAddress(peer: peer, headers: Self.headers(pairs))?.description
        }
        #expect(client(outsider, [("X-Forwarded-For", "198.51.100.1")]) == "192.0.2.1", "an untrusted peer's headers are ignored")
        #expect(client(proxy, []) == "10.0.0.1")
        #expect(client(proxy, [("X-Forwarded-For", "203.0.113.66, 198.51.100.1, 10.2.2.2")]) == "198.51.100.1")
        #expect(client(proxy, [("X-Forwarded-For", "203.0.113.66"), ("X-Forwarded-For", "198.51.100.1")]) == "198.51.100.1")
        #expect(client(proxy, [("Forwarded", "for=203.0.113.66, for=198.51.100.1")]) == "198.51.100.1")
        #expect(client(proxy, [("X-Forwarded-For", "10.9.9.9, 10.2.2.2")]) == "10.9.9.9", "all hops trusted: the farthest")
        #expect(client(proxy, [("X-Forwarded-For", "198.51.100.1, unknown, 10.2.2.2")]) == "10.2.2.2",
                "an unreadable hop ends the walk at the last trusted one")
        #expect(client(proxy, [("Forwarded", "for=198.51.100.1"), ("X-Forwarded-For", "198.51.100.1")]) == "198.51.100.1")
        #expect(client(proxy, [("Forwarded", "for=198.51.100.1"), ("X-Forwarded-For", "198.51.100.2")]) == "10.0.0.1",
                "headers that disagree: one was written by the client, so only the proxy is known")
        #expect(client(nil, [("X-Forwarded-For", "198.51.100.1")]) == nil)
    }

    @Test("an IPv6 client counts by its /64: a fresh address from the same subscriber block is no fresh budget")
    func ipv6ThrottleKeyIsTheSlash64() throws {
        let one = LoginThrottle.Keys(email: "a@example.com", address: IPAddress("2001:db8:1:2:aaaa::1"))
        let other = LoginThrottle.Keys(email: "a@example.com", address: IPAddress("2001:db8:1:2:bbbb::9"))
        let elsewhere = LoginThrottle.Keys(email: "a@example.com", address: IPAddress("2001:db8:1:3::1"))
        #expect(one.address == other.address)
        #expect(one.address != elsewhere.address)
        #expect(LoginThrottle.Keys(email: "a@example.com", address: IPAddress("192.0.2.1")).address == "address:192.0.2.1")
    }
}
