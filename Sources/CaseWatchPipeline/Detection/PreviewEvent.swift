import Foundation
import CaseWatchModel

/// A plausible event of a given type for a case, for `preview` and `check`: built from the case's own
/// history and hearing, so what is shown is what that case would produce.
package enum PreviewEvent {
    package static func make(type: EventType, legalCase: LegalCase, now: Date) -> CaseEvent {
        let previous = legalCase.history.dropLast().last
        let hearing = legalCase.nextHearing
            ?? legalCase.history.last.map { Hearing(date: $0.date, time: nil, court: legalCase.court) }
        let change: CaseChange
        var occurredOn: CalendarDate?
        switch type {
        case .statusChanged:
            change = CaseChange(from: previous?.status, to: legalCase.status, outcome: legalCase.outcome)
            occurredOn = legalCase.statusDate
        case .hearingScheduled:
            change = CaseChange(hearing: hearing)
        case .hearingReminder:
            change = CaseChange(hearing: hearing, daysBefore: 7)
        case .updated:
            change = CaseChange(fields: ["court", "sources"], digest: ChangeDetector.digest(legalCase))
        case .added:
            change = CaseChange(to: legalCase.status, outcome: legalCase.outcome)
            occurredOn = legalCase.history.first?.date
        case .removed:
            change = CaseChange(digest: ChangeDetector.digest(legalCase))
        }
        return CaseEvent(type: type, snapshot: legalCase, change: change, occurredOn: occurredOn, detectedAt: now)
    }
}
