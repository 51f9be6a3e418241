import Foundation

/// A binary min-heap of session keys by expiry: the session nearest its end is found in O(1) and
/// taken out in O(log n), so a store can drop expired or surplus sessions on every write without
/// scanning or sorting all of them.
///
/// Entries are never updated in place. A session saved again is pushed again under a new
/// generation; the store skips an entry whose generation is no longer the session's (lazy
/// deletion), and ``compact(keeping:)`` drops such entries once they outnumber the live ones.
struct ExpiryQueue {
    struct Entry {
        let expiresAt: Date
        let key: String
        let generation: Int
    }

    private var heap: [Entry] = []

    var count: Int { heap.count }
    var first: Entry? { heap.first }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        siftUp(from: heap.count - 1)
    }

    @discardableResult
    mutating func popFirst() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        if !heap.isEmpty { siftDown(from: 0) }
        return first
    }

    /// Keeps only the entries `isLive` accepts, in O(n): called when stale entries dominate, so
    /// its cost spreads over the writes that made them.
    mutating func compact(keeping isLive: (Entry) -> Bool) {
        heap.removeAll { !isLive($0) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) {
            siftDown(from: index)
        }
    }

    private mutating func siftUp(from index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].expiresAt < heap[parent].expiresAt else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].expiresAt < heap[smallest].expiresAt { smallest = left }
            if right < heap.count, heap[right].expiresAt < heap[smallest].expiresAt { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
