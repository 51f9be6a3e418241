import Testing
@testable import TesseraServer

@Suite("Registration throttle: per address, per minute, bounded")
struct RegistrationThrottleTests {
    static func throttle(limit: Int = 2, capacity: Int = 100) -> RegistrationThrottle {
        var policy = RegistrationPolicy()
        policy.perAddressPerMinute = limit
        policy.trackedAddresses = capacity
        return RegistrationThrottle(policy: policy)
    }

    @Test("an address gets the limit per minute, then the seconds to wait; the count starts again when the minute turns")
    func limitPerMinute() throws {
        let throttle = Self.throttle()
        let address = try #require(IPAddress("203.0.113.7"))
        let now = 1_800_000_010   // 10 seconds into a minute
        #expect(throttle.admit(address, now: now) == nil)
        #expect(throttle.admit(address, now: now) == nil)
        #expect(throttle.admit(address, now: now) == 50)
        #expect(throttle.admit(IPAddress("203.0.113.8"), now: now) == nil, "another address has its own count")
        #expect(throttle.admit(address, now: now + 50) == nil)
    }

    @Test("attack: IPv6 addresses of one /64 share one count, so fresh addresses from one subscriber are no fresh budget")
    func ipv6PrefixShared() throws {
        let throttle = Self.throttle()
        let now = 1_800_000_000
        #expect(throttle.admit(IPAddress("2001:db8:1:2::1"), now: now) == nil)
        #expect(throttle.admit(IPAddress("2001:db8:1:2::2"), now: now) == nil)
        #expect(throttle.admit(IPAddress("2001:db8:1:2:ffff::3"), now: now) != nil)
        #expect(throttle.admit(IPAddress("2001:db8:1:3::1"), now: now) == nil)
    }

    @Test("attack: a flood from 50,000 addresses holds at most the tracked addresses plus one shared overflow count, itself limited")
    func floodIsBounded() throws {
        let throttle = Self.throttle(limit: 2, capacity: 100)
        let now = 1_800_000_000
        var admitted = 0
        for index in 0..<50_000 {
            let address = IPAddress("10.\(index / 65_536).\(index / 256 % 256).\(index % 256)")
            if throttle.admit(address, now: now) == nil { admitted += 1 }
        }
        #expect(throttle.trackedCount <= 101)
        #expect(admitted == 100 + 2, "each tracked address once, and the overflow's limit: \(admitted)")
    }
}
