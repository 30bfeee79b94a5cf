import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// Per-endpoint rates in memory: the slots and the decision under the store's one lock, as a transaction would.
extension MemoryStateStore: ThrottleStore {
    package func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision] {
        access { state in Throttle.decide(asks, slots: &state.throttleSlots, now: now, horizon: horizon).decisions }
    }

    package func postpone(_ postponements: [Postponement], owner: String) throws {
        access { state in
            for postponement in postponements {
                guard let entry = state.entries[postponement.outboxID],
                      entry.state == .pending || entry.state == .retrying
                else { continue }
                state.entries[postponement.outboxID]?.nextAttemptAt = postponement.until
                if let firstDue = postponement.firstDueAt { state.entries[postponement.outboxID]?.firstDueAt = firstDue }
            }
        }
    }
}
