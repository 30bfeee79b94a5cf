import CaseWatchModel
import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func heldEvents(caseIDs: [String], since: Date) async throws -> [String: [HeldEvent]] {
        access { state in
            let wanted = Set(caseIDs)
            var held: [String: [HeldEvent]] = [:]
            for (_, event) in state.events where wanted.contains(event.caseID) && event.detectedAt >= since
                && event.withdrawal == nil && !event.type.isReminder
            {
                let sent = state.entries.values.contains {
                    $0.draft.eventID == event.id && ($0.attempts > 0 || $0.state == .delivered)
                }
                guard !sent else { continue }
                let prior = state.priors[event.id]
                held[event.caseID, default: []].append(HeldEvent(event: event, prior: prior ?? nil, priorKnown: prior != nil))
            }
            return held
        }
    }

    package func withdraw(eventIDs: [String], reason: String, now: Date) async throws -> Int {
        access { state in eventIDs.reduce(0) { $0 + state.withdraw(eventID: $1, reason: reason, now: now) } }
    }
}

extension MemoryState {
    mutating func withdraw(eventID: String, reason: String, now: Date) -> Int {
        if let index = events.firstIndex(where: { $0.event.id == eventID }), events[index].event.withdrawal == nil {
            events[index].event.withdrawal = reason
        }
        var count = 0
        for (id, entry) in entries where entry.draft.eventID == eventID && (entry.state == .pending || entry.state == .retrying) {
            entries[id]?.state = .withdrawn
            entries[id]?.lastError = "withdrawn: " + reason
            entries[id]?.updatedAt = Timestamp.iso8601(now)
            count += 1
        }
        return count
    }
}
