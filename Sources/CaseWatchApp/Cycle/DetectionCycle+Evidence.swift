import CaseWatchModel
import CaseWatchSources
import CaseWatchStore
import Foundation

/// Evidence: every event records where its facts came from (``Evidence``). It is attached after the events are
/// made and before they are recorded, routed and rendered; it is no part of an event's id.
extension DetectionCycle {
    /// Attaches evidence to `events`: for a case read this cycle, its source as read now; for a case of a source
    /// not read this cycle (a reminder from the recorded snapshot), the source the store recorded for it, with no
    /// read time. A case whose source is not known (a removed case) gets none: a source is never guessed.
    ///
    /// - Parameter frozen: the recorded source of each case of a source not read this time, as far as the cycle has
    ///   looked it up; the store is asked for the rest only when an event needs it.
    func attachEvidence(_ events: inout [CaseEvent], load: RegistryLoad, frozen: [String: String], now: Date)
        async throws
    {
        var frozen = frozen
        let unknown = events.contains { load.cases[$0.caseID] == nil && $0.type.isReminder && frozen[$0.caseID] == nil }
        if unknown, !load.frozenSources.isEmpty {
            frozen.merge(try await store.caseIDs(fromSources: load.frozenSources)) { known, _ in known }
        }
        // An official list is named, for its readers, by where it was read (its address or file), not by the id the
        // operator gave its source.
        var listLocations: [String: String] = [:]
        for entry in configuration.registry.sources {
            if case .list(let list) = entry.kind { listLocations[entry.name] = list.location.text }
        }
        var byCase: [String: Evidence] = [:]
        for index in events.indices {
            let event = events[index]
            if let known = byCase[event.caseID] {
                events[index].evidence = known
            } else if load.cases[event.caseID] != nil {
                events[index].evidence = load.evidence(of: event.caseID, readAt: now)
            } else if event.type.isReminder, let source = frozen[event.caseID] {
                // The facts are the snapshot recorded before: its digest, under the source it was recorded from.
                events[index].evidence = Evidence(source: source, fetchedAt: nil, sha256: event.snapshot.canonicalSHA256)
            }
            if let source = events[index].evidence?.source, let location = listLocations[source] {
                events[index].evidence?.source = location
            }
            byCase[event.caseID] = events[index].evidence
        }
    }
}

extension RegistryLoad {
    /// The evidence of a case read in this load: its source, `readAt`, the as-of date of the official list it came
    /// from, and the SHA-256 of its list row (an entry of a list read afresh) or of its canonical JSON (a hand-kept
    /// case, a feed's case, and a list's case without a row: one the list no longer holds). Nil for a case not read.
    package func evidence(of caseID: String, readAt: Date) -> Evidence? {
        guard let legalCase = cases[caseID], let source = sourceOfCase[caseID] else { return nil }
        let isList = lists[source] != nil
        let sha256 = (isList ? rowDigests[caseID] : nil) ?? legalCase.canonicalSHA256
        return Evidence(source: source, fetchedAt: readAt, asOf: lists[source] ?? nil, sha256: sha256)
    }
}
