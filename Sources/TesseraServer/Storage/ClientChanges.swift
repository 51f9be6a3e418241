import Synchronization

/// A counter of changes to the `clients` table, so a cache of client records knows when what it
/// holds may be stale: bumped after every write this process makes through ``SQLStore``, and when
/// PostgreSQL announces a write made by another process or node (``ClientChangeListener``).
///
/// A reader notes ``generation`` *before* it reads, and trusts what it read only while the
/// generation is unchanged: a write that lands during the read is never mistaken for older data.
public final class ClientChanges: Sendable {
    private let counter = Atomic<UInt64>(0)

    public init() {}

    /// The number of changes seen so far.
    public var generation: UInt64 { counter.load(ordering: .acquiring) }

    /// Records that some client changed: every cached client record is stale.
    public func changed() {
        counter.add(1, ordering: .releasing)
    }
}
