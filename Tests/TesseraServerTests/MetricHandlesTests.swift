import Synchronization
import Testing
@testable import TesseraServer

@Suite("/metrics handles, made once per series")
struct MetricHandlesTests {
    final class Handle: Sendable {
        let key: Int
        init(key: Int) { self.key = key }
    }

    @Test("/metrics: a series' handle is made once and reused; past the limit one is made per use, so memory stays bounded")
    func madeOnce() {
        let made = Mutex(0)
        let handles = MetricHandles<Int, Handle>(limit: 2) { key in
            made.withLock { $0 += 1 }
            return Handle(key: key)
        }
        let first = handles(1)
        #expect(handles(1) === first && first.key == 1)
        #expect(handles(2) === handles(2))
        #expect(made.withLock { $0 } == 2)
        #expect(handles(3) !== handles(3), "over the limit: not cached")
        #expect(handles(3).key == 3)
        #expect(made.withLock { $0 } == 5)
    }
}
