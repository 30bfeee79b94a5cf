import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// A delivery run's throttle slots in memory, for a store whose slots one process moves at a time
/// (``RunLocalThrottleStore``: SQLite under its run lock): the slots of a claimed batch's endpoints are read at once,
/// decided here with ``Throttle``, and the moved ones written back every `flushSize` and when the run ends.
///
/// A crash loses at most the slots moved since the last write: the next run may then send to those endpoints a few
/// slots early — the rate's worth of seconds, once. Used by the run's coordinating thread only.
package final class RunSlots: @unchecked Sendable {  // used by one thread (the engine's coordinator)
    private let store: any RunLocalThrottleStore
    private let flushSize: Int
    private var slots: [String: Date] = [:]
    private var known: Set<String> = []
    private var moved: [String: Date] = [:]

    package init(store: any RunLocalThrottleStore, flushSize: Int = 256) {
        self.store = store
        self.flushSize = max(1, flushSize)
    }

    /// Reads the slots of `keys` not read yet, in one go.
    package func prefetch(_ keys: some Sequence<String>) throws {
        // Filtered against `known`, not `Set.subtracting`, which walks the larger set (every endpoint met so far).
        let missing = Set(keys.lazy.filter { !self.known.contains($0) })
        guard !missing.isEmpty else { return }
        slots.merge(try store.slots(Array(missing))) { _, stored in stored }
        known.formUnion(missing)
    }

    /// Decides `asks` in order, as ``ThrottleStore/throttle(_:now:horizon:)`` would against the store.
    package func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision] {
        try prefetch(asks.lazy.flatMap(\.request.keys))
        let (decisions, changed) = Throttle.decide(asks, slots: &slots, now: now, horizon: horizon)
        moved.merge(changed) { $1 }
        if moved.count >= flushSize { try flush() }
        return decisions
    }

    /// Writes the slots moved since the last write.
    package func flush() throws {
        guard !moved.isEmpty else { return }
        try store.storeSlots(moved)
        moved.removeAll(keepingCapacity: true)
    }
}
