import Testing
@testable import TesseraServer

@Suite("Password check limits")
struct PasswordCheckLimiterTests {
    @Test("bcrypt flood: beyond the running and waiting bound a check is refused at once; a released slot goes to the next in line")
    func refusesBeyondTheQueue() async throws {
        let limiter = PasswordCheckLimiter(concurrent: 1, queued: 1)
        #expect(await limiter.acquire())
        let waiter = Task { await limiter.acquire() }
        while await limiter.waitingCount < 1 { await Task.yield() }
        #expect(await limiter.acquire() == false, "one running, one waiting: the third is turned away")
        await limiter.release()
        #expect(await waiter.value, "the waiting check got the released slot")
        // Handed over, not freed: a new caller waits again, and one more is refused.
        let next = Task { await limiter.acquire() }
        while await limiter.waitingCount < 1 { await Task.yield() }
        #expect(await limiter.acquire() == false)
        await limiter.release()
        #expect(await next.value)
        await limiter.release()
        #expect(await limiter.started == 3)
    }

    @Test("back-off doubles from the free attempts up to its cap, per counter")
    func backoffIsCapped() {
        let policy = LoginThrottlePolicy()
        #expect((0..<5).map { policy.delay(afterFailures: $0, free: 5, maximum: 900) } == [0, 0, 0, 0, 0])
        #expect((5..<10).map { policy.delay(afterFailures: $0, free: 5, maximum: 900) } == [1, 2, 4, 8, 16])
        #expect(policy.delay(afterFailures: 15, free: 5, maximum: 900) == 900)
        #expect(policy.delay(afterFailures: 1_000, free: 20, maximum: 60) == 60)
        #expect(policy.delay(afterFailures: Int.max, free: 0, maximum: 900) == 900)
    }
}
