import CaseWatchModel
import Foundation

/// A plausible event of a given type for a case, for `preview` and `check`: built from the case's own steps and
/// hearing, so what is shown is what that case would produce.
package enum PreviewEvent {
    package static func make(type: EventType, legalCase: LegalCase, now: Date) -> CaseEvent {
        let step = legalCase.statusStep
        let mainSteps = legalCase.history.filter { !$0.status.isSideStep }
        let earlier = mainSteps.dropLast().last
        let hearing = legalCase.nextHearing
            ?? legalCase.history.last.flatMap { step in
                step.date.isComplete ? Hearing(date: step.date, time: nil, court: step.court ?? legalCase.court) : nil
            }
        let change: CaseChange
        var occurredOn: CalendarDate?
        switch type {
        case .statusChanged:
            change = CaseChange(from: earlier?.resultingStatus, to: legalCase.status, outcome: step?.outcome, step: step)
            occurredOn = step?.date
        case .stepAdded:
            let side = legalCase.history.last { $0.status.isSideStep } ?? legalCase.history.last
            change = CaseChange(step: side)
            occurredOn = side?.date
        case .hearingScheduled:
            change = CaseChange(hearing: hearing)
        case .hearingPostponed:
            change = CaseChange(hearing: hearing, previousHearing: hearing)
        case .hearingReminder:
            change = CaseChange(hearing: hearing, daysBefore: 7)
        case .deadlineReminder:
            change = CaseChange(daysBefore: 7, step: legalCase.history.last { $0.deadline != nil } ?? step)
        case .updated:
            change = CaseChange(fields: ["court", "sources"], digest: ChangeDetector.digest(legalCase),
                                changes: [FieldChange(field: "court", from: nil, to: legalCase.court?.english),
                                          FieldChange(field: "sources", from: nil,
                                                      to: legalCase.sources.joined(separator: ", "))])
        case .corrected:
            change = CaseChange(step: step, corrects: "evt_preview", announcedStep: step)
            occurredOn = step?.date
        case .added:
            change = CaseChange(to: legalCase.status, outcome: legalCase.outcome, step: step)
            occurredOn = step?.date
        case .removed:
            change = CaseChange(digest: ChangeDetector.digest(legalCase))
        }
        return CaseEvent(type: type, snapshot: legalCase, change: change, occurredOn: occurredOn, detectedAt: now)
    }
}
