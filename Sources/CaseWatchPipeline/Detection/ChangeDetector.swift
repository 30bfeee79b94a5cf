import Foundation
import CaseWatchModel

/// Compares the last-seen and the current version of one case and says which events that makes.
///
/// Pure: no store, no clock (the detection time is passed in). `nil` on one side means the case is new
/// (`previous == nil`) or gone (`current == nil`).
package enum ChangeDetector {
    package static func events(
        previous: LegalCase?, current: LegalCase?, detectedAt: Date, announceAdditions: Bool = true
    ) -> [CaseEvent] {
        switch (previous, current) {
        case (nil, nil):
            return []
        case (nil, let current?):
            guard announceAdditions else { return [] }
            return [CaseEvent(type: .added, snapshot: current, change: CaseChange(to: current.status, outcome: current.outcome),
                              occurredOn: current.history.first?.date, detectedAt: detectedAt)]
        case (let previous?, nil):
            return [CaseEvent(type: .removed, snapshot: previous, change: CaseChange(digest: digest(previous)),
                              occurredOn: nil, detectedAt: detectedAt)]
        case (let previous?, let current?):
            return changes(from: previous, to: current, detectedAt: detectedAt)
        }
    }

    static func changes(from previous: LegalCase, to current: LegalCase, detectedAt: Date) -> [CaseEvent] {
        var events: [CaseEvent] = []
        let statusChanged = previous.status != current.status || previous.outcome != current.outcome
        if statusChanged {
            let change = CaseChange(from: previous.status, to: current.status, outcome: current.outcome)
            events.append(CaseEvent(type: .statusChanged, snapshot: current, change: change,
                                    occurredOn: current.statusDate, detectedAt: detectedAt))
        }
        if let hearing = current.nextHearing, hearing != previous.nextHearing {
            events.append(CaseEvent(type: .hearingScheduled, snapshot: current, change: CaseChange(hearing: hearing),
                                    occurredOn: nil, detectedAt: detectedAt))
        }
        var fields = materialFieldsChanged(from: previous, to: current)
        // A hearing that disappears without a ruling is news (adjourned, cancelled); one that disappears
        // because the court ruled is told by the status change.
        if previous.nextHearing != nil, current.nextHearing == nil, !statusChanged {
            fields.append("next_hearing")
        }
        if !fields.isEmpty {
            events.append(CaseEvent(type: .updated, snapshot: current,
                                    change: CaseChange(fields: fields, digest: digest(current)),
                                    occurredOn: nil, detectedAt: detectedAt))
        }
        return events
    }

    /// The material fields (SPEC: "court, case number, claimant, sources", and who and what the case is
    /// about) whose values differ, by their case-file names.
    static func materialFieldsChanged(from previous: LegalCase, to current: LegalCase) -> [String] {
        var fields: [String] = []
        if previous.subject != current.subject { fields.append("subject") }
        if previous.country != current.country { fields.append("country") }
        if previous.type != current.type { fields.append("type") }
        if previous.claimant != current.claimant { fields.append("claimant") }
        if previous.court != current.court { fields.append("court") }
        if previous.caseNumber != current.caseNumber { fields.append("case_number") }
        if previous.sources != current.sources { fields.append("sources") }
        if previous.tags != current.tags { fields.append("tags") }
        return fields
    }

    static func digest(_ legalCase: LegalCase) -> String {
        SnapshotDigest(legalCase.canonicalJSON).hex
    }
}
