import CaseWatchModel
import CaseWatchPipeline
import Foundation

/// Per-endpoint rates, kept where every process on the store sees them (a table in each engine, so that nodes
/// sharing PostgreSQL hold a rate together), and deliveries put off to their endpoint's next free slot.
///
/// Blocking, called on the delivery lanes' own threads, as ``ClaimSession`` is.
package protocol ThrottleStore: Sendable {
    /// Decides `request` with ``Throttle/decide(_:slots:now:horizon:reserved:)`` against the stored slots and stores
    /// the slots it moves, in one transaction (on PostgreSQL with the slots' rows locked, so two nodes never take the
    /// same slot).
    func throttle(_ request: ThrottleRequest, now: Date, horizon: TimeInterval, reserved: Date?) throws
        -> ThrottleDecision
    /// Decides each of `asks` in order, as many calls of ``throttle(_:now:horizon:reserved:)`` would (each sees the
    /// slots the ones before it moved), in one transaction.
    func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision]
    /// Puts claimed entries off to their slots without an attempt: their state, attempts and retry schedule stay as
    /// they are, their claim ends (on PostgreSQL only while `owner` still holds the lease), and they come due then.
    func postpone(_ postponements: [Postponement], owner: String) throws
}

extension ThrottleStore {
    /// One transaction per ask: for engines without a batch of their own.
    package func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision] {
        try asks.map { try throttle($0.request, now: now, horizon: horizon, reserved: $0.reserved) }
    }
}

/// A store whose slots one process moves at a time (SQLite, whose run lock lets one cycle deliver at once): a
/// delivery run may read the slots it needs once, keep them in memory, and write back the ones it moved in batches
/// and when it ends (``RunSlots``), instead of a transaction for every few deliveries.
package protocol RunLocalThrottleStore: ThrottleStore {
    /// The stored next free slot of each of `keys` that has one.
    func slots(_ keys: [String]) throws -> [String: Date]
    /// Stores `slots` (each key's next free slot), in one transaction.
    func storeSlots(_ slots: [String: Date]) throws
}
