import CaseWatchModel

/// How the steps of a case differ between two versions of it: steps added, steps whose facts changed (matched
/// to their earlier version), and steps that vanished. Pure.
///
/// Steps have no ids, so versions are matched in rounds, each on the steps the rounds before left: the same step
/// to the letter; the same date and status (its other facts changed); the same status in the same order (its date
/// changed). What is left is added or vanished.
package struct StepDiff: Sendable, Equatable {
    /// New steps, in the order of the new history, with their index in it.
    package var added: [(index: Int, step: CaseStep)] = []
    /// Steps matched to their earlier version whose facts or note differ.
    package var changed: [(before: CaseStep, after: CaseStep)] = []
    /// Earlier steps with no counterpart now.
    package var vanished: [CaseStep] = []
    /// The indexes, in the new history, of the steps that were there before (changed or not).
    package var kept: Set<Int> = []

    package static func == (left: StepDiff, right: StepDiff) -> Bool {
        left.added.map(\.step) == right.added.map(\.step) && left.added.map(\.index) == right.added.map(\.index)
            && left.changed.map(\.before) == right.changed.map(\.before)
            && left.changed.map(\.after) == right.changed.map(\.after)
            && left.vanished == right.vanished && left.kept == right.kept
    }

    package static func compute(before old: [CaseStep], after new: [CaseStep]) -> StepDiff {
        var diff = StepDiff()
        var oldLeft = Array(old.indices)
        var newLeft = Array(new.indices)
        var pairs: [(old: Int, new: Int)] = []
        func match(_ same: (CaseStep, CaseStep) -> Bool) {
            var stillNew: [Int] = []
            for index in newLeft {
                if let position = oldLeft.firstIndex(where: { same(old[$0], new[index]) }) {
                    pairs.append((oldLeft.remove(at: position), index))
                } else {
                    stillNew.append(index)
                }
            }
            newLeft = stillNew
        }
        match { $0 == $1 }
        match { $0.date == $1.date && $0.status == $1.status }
        match { $0.status == $1.status }
        for pair in pairs.sorted(by: { $0.new < $1.new }) {
            diff.kept.insert(pair.new)
            if old[pair.old] != new[pair.new] { diff.changed.append((old[pair.old], new[pair.new])) }
        }
        diff.added = newLeft.sorted().map { ($0, new[$0]) }
        diff.vanished = oldLeft.sorted().map { old[$0] }
        return diff
    }
}

/// What a change of a step's facts amounts to.
package enum StepRevision: Equatable {
    /// Only its note changed, or facts went from absent to present (a court added): recorded, not announced.
    case enrichment
    /// A fact the step had is now different or gone: a correction of whatever announced it.
    case correction
}

extension CaseStep {
    /// What changed from `before` to this version of the step.
    package func revision(from before: CaseStep) -> StepRevision {
        func corrects<Value: Equatable>(_ old: Value?, _ new: Value?) -> Bool { old != nil && old != new }
        let corrected = before.date != date || before.status != status || corrects(before.outcome, outcome)
            || corrects(before.court, court) || corrects(before.authority, authority)
            || (!before.effects.isEmpty && before.effects != effects) || corrects(before.deadline, deadline)
            || corrects(before.document, document) || corrects(before.sentence, sentence)
            || corrects(before.measure, measure) || corrects(before.reason, reason)
            || corrects(before.legalBasis, legalBasis) || corrects(before.category, category)
            || corrects(before.amount, amount) || corrects(before.body, body)
        return corrected ? .correction : .enrichment
    }

    /// How a step is known to the event log: what an announcement was about.
    package var key: StepKey { StepKey(date: date, status: status) }
}

/// A step's identity for announcements: its date and status.
package struct StepKey: Hashable, Sendable, Codable {
    package var date: CalendarDate
    package var status: CaseStatus

    package init(date: CalendarDate, status: CaseStatus) {
        self.date = date
        self.status = status
    }
}

/// What the event log says of one case: the id of its newest event (new events are chained to it) and which
/// event announced each of its steps (a correction threads under it).
package struct CaseAnnouncements: Sendable, Equatable {
    package var lastEventID: String?
    package var steps: [StepKey: String]

    package init(lastEventID: String? = nil, steps: [StepKey: String] = [:]) {
        self.lastEventID = lastEventID
        self.steps = steps
    }

    /// Reads the log of one case, oldest event first. Reminders are not changes: they are not chained to.
    package init(events: [CaseEvent]) {
        self.init()
        for event in events where !event.type.isReminder {
            lastEventID = event.id
            // A withdrawn event still counts in the chain (a change made again is a new event), but its alert never
            // left: its step is not announced.
            guard let step = event.change.step, event.withdrawal == nil else { continue }
            switch event.type {
            case .corrected:
                // The corrected version now stands for the original announcement.
                if let original = event.change.corrects { steps[step.key] = original }
            default:
                steps[step.key] = steps[step.key] ?? event.id
            }
        }
    }
}
