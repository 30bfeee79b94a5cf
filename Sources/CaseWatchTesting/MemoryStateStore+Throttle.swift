import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// Per-endpoint rates in memory: the slots and the decision under the store's one lock, as a transaction would.
extension MemoryStateStore: ThrottleStore {
    package func throttle(_ request: ThrottleRequest, now: Date, horizon: TimeInterval, reserved: Date?) throws
        -> ThrottleDecision
    {
        access { state in
            let (decision, moved) = Throttle.decide(request, slots: state.throttleSlots, now: now, horizon: horizon,
                                                    reserved: reserved)
            state.throttleSlots.merge(moved) { _, new in new }
            return decision
        }
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
