import CaseWatchModel
import CaseWatchPipeline
import Foundation

/// Per-endpoint rates, kept where every process on the store sees them (a table in each engine, so that nodes
/// sharing PostgreSQL hold a rate together), and deliveries put off to their endpoint's next free slot.
///
/// Blocking, called on the delivery lanes' own threads, as ``ClaimSession`` is.
package protocol ThrottleStore: Sendable {
    /// Decides each of `asks` in order with ``Throttle/decide(_:slots:now:horizon:)`` against the stored slots (each
    /// sees the slots the ones before it moved) and stores the slots they move, in one transaction (on PostgreSQL
    /// with the slots' rows locked, so two nodes never take the same slot).
    func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision]
    /// Puts claimed entries off to their slots without an attempt: their state, attempts and retry schedule stay as
    /// they are, their claim ends (on PostgreSQL only while `owner` still holds the lease), and they come due then.
    func postpone(_ postponements: [Postponement], owner: String) throws
}

extension ThrottleStore {
    /// Decides one delivery: a batch of one.
    package func throttle(_ request: ThrottleRequest, now: Date, horizon: TimeInterval, reserved: Date?) throws
        -> ThrottleDecision
    {
        try throttle([ThrottleAsk(request, reserved: reserved)], now: now, horizon: horizon)[0]
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
