import CaseWatchModel
import Foundation

/// What detection takes into account besides the two versions of a case.
package struct DetectionRules: Sendable {
    /// A step dated more than this before it is first seen is `late`.
    package var lateAfter: TimeInterval
    /// The courts' time zones, for the moment of a hearing.
    package var gazetteer: Gazetteer
    /// For a case read from an official list: the list's own as-of date, which lateness counts from instead of the
    /// moment CaseWatch first saw the step (a list published a week late does not make its entries late).
    package var asOf: [String: Date] = [:]

    package init(lateAfter: TimeInterval = 30 * 86_400, gazetteer: Gazetteer = .empty) {
        self.lateAfter = lateAfter
        self.gazetteer = gazetteer
    }

    /// The moment of a hearing: its date and time (09:00 when none) at the court, in the court's time zone.
    package func moment(of hearing: Hearing, in legalCase: LegalCase) -> Date? {
        HearingReminders.moment(of: hearing, in: gazetteer.timeZone(of: hearing.court ?? legalCase.court,
                                                                     country: legalCase.country))
    }

    /// Whether `step`, first seen at `detectedAt`, happened more than ``lateAfter`` before (a partial date counts
    /// from its first day).
    package func isLate(_ step: CaseStep, detectedAt: Date) -> Bool {
        let first = CalendarDate(year: step.date.year, month: max(step.date.month, 1), day: max(step.date.day, 1))
        guard let first, let start = HearingReminders.moment(of: Hearing(date: first, time: "00:00"), in: .gmt) else {
            return false
        }
        return start < detectedAt.addingTimeInterval(-lateAfter)
    }
}

/// Compares the last-seen and the current version of one case and says which events that makes.
///
/// Pure: no store, no clock (the detection time is passed in). `nil` on one side means the case is new
/// (`previous == nil`) or gone (`current == nil`). Every event about a step carries that step, and says only what
/// it holds.
package enum ChangeDetector {
    package static func events(
        previous: LegalCase?, current: LegalCase?, detectedAt: Date, announceAdditions: Bool = true,
        log: CaseAnnouncements = CaseAnnouncements(), rules: DetectionRules = DetectionRules()
    ) -> [CaseEvent] {
        var chain = EventChain(previousEventID: log.lastEventID, detectedAt: detectedAt)
        switch (previous, current) {
        case (nil, nil):
            break
        case (nil, let current?):
            guard announceAdditions else { break }
            let step = current.statusStep
            chain.add(.added, current, CaseChange(to: current.status, outcome: current.outcome, step: step),
                      occurredOn: step?.date)
        case (let previous?, nil):
            chain.add(.removed, previous, CaseChange(digest: digest(previous)), occurredOn: nil)
        case (let previous?, let current?):
            changes(from: previous, to: current, log: log, rules: rules, into: &chain)
        }
        return chain.events
    }

    static func changes(from previous: LegalCase, to current: LegalCase, log: CaseAnnouncements, rules: DetectionRules,
                        into chain: inout EventChain) {
        let steps = StepDiff.compute(before: previous.history, after: current.history)
        let hearing = hearingChange(from: previous, to: current, steps: steps, rules: rules, at: chain.detectedAt)
        var hearingStepShown = false
        // New steps, in history order. Those after every step seen before move the status along; a step that went
        // in before them (learnt late) or a side step does not.
        let lastKept = steps.kept.max() ?? -1
        var running = previous.status
        for (index, step) in steps.added {
            let late = rules.isLate(step, detectedAt: rules.asOf[current.id] ?? chain.detectedAt) ? true : nil
            if step.status == .hearingScheduled, hearing?.type == .hearingScheduled, !hearingStepShown {
                hearingStepShown = true  // the step and the hearing it sets are one event, below
                continue
            }
            if !step.status.isSideStep, index > lastKept, step.resultingStatus != running {
                chain.add(.statusChanged, current, CaseChange(from: running, to: step.resultingStatus,
                                                              outcome: step.outcome, step: step, late: late),
                          occurredOn: step.date)
                running = step.resultingStatus
            } else {
                if !step.status.isSideStep, index > lastKept { running = step.resultingStatus }
                chain.add(.stepAdded, current, CaseChange(step: step, late: late), occurredOn: step.date)
            }
        }
        if var hearing {
            if hearingStepShown { hearing.change.step = steps.added.first { $0.step.status == .hearingScheduled }?.step }
            chain.add(hearing.type, current, hearing.change, occurredOn: hearing.change.step?.date)
        }
        // Facts of steps already seen: a correction of what announced them; enrichment is recorded silently.
        for (before, after) in steps.changed where after.revision(from: before) == .correction {
            guard let original = log.steps[before.key] else { continue }
            chain.add(.corrected, current, CaseChange(step: after, corrects: original, announcedStep: before),
                      occurredOn: after.date)
        }
        for step in steps.vanished {
            guard let original = log.steps[step.key] else { continue }
            chain.add(.corrected, current, CaseChange(corrects: original, announcedStep: step), occurredOn: step.date)
        }
        let fieldChanges = materialChanges(from: previous, to: current)
        if !fieldChanges.isEmpty {
            chain.add(.updated, current, CaseChange(fields: fieldChanges.map(\.field), digest: digest(current),
                                                    changes: fieldChanges),
                      occurredOn: nil)
        }
    }

    /// What the change of `next_hearing` amounts to, if anything: set (or moved earlier, or to another court), or
    /// postponed (moved later, or gone without a new main step that explains it). A hearing whose moment has
    /// passed is never announced as upcoming.
    static func hearingChange(from previous: LegalCase, to current: LegalCase, steps: StepDiff, rules: DetectionRules,
                              at now: Date) -> (type: EventType, change: CaseChange)? {
        let before = previous.nextHearing, after = current.nextHearing
        guard before != after else { return nil }
        let wasAt = before.flatMap { rules.moment(of: $0, in: previous) }
        let isAt = after.flatMap { rules.moment(of: $0, in: current) }
        switch (wasAt, isAt) {
        case (_, let isAt?) where isAt <= now:
            return nil
        case (nil, _?):
            return (.hearingScheduled, CaseChange(hearing: after))
        case (let wasAt?, let isAt?):
            if isAt > wasAt {
                return (.hearingPostponed, CaseChange(hearing: after, previousHearing: before))
            }
            return (.hearingScheduled, CaseChange(hearing: after, previousHearing: isAt < wasAt ? before : nil))
        case (let wasAt?, nil):
            let explained = steps.added.contains { !$0.step.status.isSideStep }
            guard !explained, wasAt > now else { return nil }
            return (.hearingPostponed, CaseChange(previousHearing: before))
        case (nil, nil):
            return nil
        }
    }

    /// The material fields (who and what the case is about, its court, number, claimant, sources, links) whose
    /// values differ, by their case-file names, with the values as text.
    static func materialChanges(from previous: LegalCase, to current: LegalCase) -> [FieldChange] {
        var changes: [FieldChange] = []
        func compare(_ field: String, _ old: String?, _ new: String?) {
            if old != new { changes.append(FieldChange(field: field, from: old, to: new)) }
        }
        func list(_ values: [String]) -> String? { values.isEmpty ? nil : values.joined(separator: ", ") }
        if previous.subject.name != current.subject.name || previous.subject.kind != current.subject.kind {
            changes.append(FieldChange(field: "subject", from: previous.subject.name(in: .en),
                                       to: current.subject.name(in: .en)))
        }
        compare("country", previous.country, current.country)
        compare("type", previous.type.rawValue, current.type.rawValue)
        compare("claimant", previous.claimant?.english, current.claimant?.english)
        compare("court", previous.court?.english, current.court?.english)
        compare("case_number", previous.caseNumber, current.caseNumber)
        compare("sources", list(previous.sources), list(current.sources))
        compare("tags", list(previous.tags), list(current.tags))
        compare("related", list(previous.related), list(current.related))
        compare("websites", list(previous.subject.websites), list(current.subject.websites))
        // A localized claimant or court that kept its English text but gained a translation is enrichment.
        return changes
    }

    package static func digest(_ legalCase: LegalCase) -> String {
        SnapshotDigest(legalCase.canonicalJSON).hex
    }
}

/// The events of one case in one detection, each chained to the one before it (the first to the case's newest
/// recorded event).
struct EventChain {
    var previousEventID: String?
    let detectedAt: Date
    var events: [CaseEvent] = []

    init(previousEventID: String?, detectedAt: Date) {
        self.previousEventID = previousEventID
        self.detectedAt = detectedAt
    }

    mutating func add(_ type: EventType, _ snapshot: LegalCase, _ change: CaseChange, occurredOn: CalendarDate?) {
        let event = CaseEvent(type: type, snapshot: snapshot, change: change, occurredOn: occurredOn,
                              detectedAt: detectedAt, previousEventID: previousEventID)
        events.append(event)
        previousEventID = event.id
    }
}
