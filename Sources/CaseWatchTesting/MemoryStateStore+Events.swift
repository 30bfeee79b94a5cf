import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func events(caseID: String?, since: CalendarDate?) async throws -> [CaseEvent] {
        access { state in
            state.events.map(\.event).filter { event in
                (caseID == nil || event.caseID == caseID)
                    && (since == nil || Timestamp.iso8601(event.detectedAt) >= since!.description)
            }
        }
    }

    package func event(id: String) async throws -> CaseEvent? {
        access { state in state.events.first { $0.event.id == id }?.event }
    }

    package func recordedEventIDs(among ids: [String]) async throws -> Set<String> {
        access { state in Set(ids.filter(state.eventIDs.contains)) }
    }

    package func recentEvents(limit: Int) async throws -> [CaseEvent] {
        access { state in Array(state.events.reversed().prefix(limit).map(\.event)) }
    }

    package func events(afterSeq seq: Int64) async throws -> [(seq: Int64, event: CaseEvent)] {
        access { state in state.events.filter { $0.seq > seq } }
    }

    package func announcements(forCases ids: [String]) async throws -> [String: CaseAnnouncements] {
        access { state in
            let wanted = Set(ids)
            var events: [String: [CaseEvent]] = [:]
            for (_, event) in state.events where wanted.contains(event.caseID) { events[event.caseID, default: []].append(event) }
            return events.mapValues(CaseAnnouncements.init(events:))
        }
    }

    package func digestState(subscriberID: String, now: Date) async throws -> DigestState {
        access { state in
            if let known = state.digests[subscriberID] { return known }
            let fresh = DigestState(subscriberID: subscriberID, lastSlotAt: now, lastEventSeq: state.events.last?.seq ?? 0)
            state.digests[subscriberID] = fresh
            return fresh
        }
    }

    package func digestProgress(subscriberID: String) async throws -> DigestState? {
        access { state in state.digests[subscriberID] }
    }

    package func advanceDigest(to digest: DigestState, delivery: OutboxDraft?, now: Date) async throws {
        access(transaction: true) { state in
            state.digests[digest.subscriberID] = digest
            if let delivery { state.enqueue([delivery], now: now) }
        }
    }

    package func setting(_ key: String) async throws -> String? {
        access { $0.settings[key] }
    }

    package func settingOnce(_ key: String, value: String) async throws -> String {
        access { state in
            if let known = state.settings[key] { return known }
            state.settings[key] = value
            return value
        }
    }

    package func setSetting(_ key: String, _ value: String?) async throws {
        access { $0.settings[key] = value }
    }

    package func settings(withPrefix prefix: String) async throws -> [String: String] {
        access { $0.settings.filter { $0.key.hasPrefix(prefix) } }
    }
}
