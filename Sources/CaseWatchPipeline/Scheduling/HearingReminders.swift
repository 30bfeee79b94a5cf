import CaseWatchModel
import Foundation

/// `case.hearing_reminder` and `case.deadline_reminder` events: a configured time before each case's next hearing,
/// and before each step's deadline, once each.
///
/// Pure: given the cases, the offsets (`schedule.reminders`, `schedule.deadline_reminders`) and the time, the
/// reminders now due. Only the window of the closest offset whose moment has come is due, so a hearing first seen
/// three days ahead gets one reminder then (which states the true time left, computed when the message is
/// composed) and its one-day reminder later, never a late "seven days" one; a hearing or deadline that has passed
/// gets none. The id comes from the case, the hearing or step and the window alone, so making the same reminder
/// again records nothing.
package enum HearingReminders {
    /// The moment of a hearing: its date and time (09:00 when no time is given) in `timeZone`.
    package static func moment(of hearing: Hearing, in timeZone: TimeZone) -> Date? {
        var components = DateComponents()
        components.year = hearing.date.year
        components.month = hearing.date.month
        components.day = hearing.date.day
        let parts = (hearing.time ?? "09:00").split(separator: ":").compactMap { Int($0) }
        components.hour = parts.first ?? 9
        components.minute = parts.count > 1 ? parts[1] : 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: components)
    }

    /// The last moment of a deadline: the end of its day at the court.
    package static func moment(ofDeadline date: CalendarDate, in timeZone: TimeZone) -> Date? {
        moment(of: Hearing(date: date, time: "23:59"), in: timeZone).map { $0.addingTimeInterval(59) }
    }

    /// The hearing reminders due at `now`.
    package static func due(cases: some Sequence<LegalCase>, offsets: [TimeInterval], now: Date,
                            rules: DetectionRules = DetectionRules()) -> [CaseEvent] {
        var events: [CaseEvent] = []
        for legalCase in cases {
            guard let hearing = legalCase.nextHearing, let moment = rules.moment(of: hearing, in: legalCase),
                  let window = window(before: moment, offsets: offsets, now: now)
            else { continue }
            let change = CaseChange(hearing: hearing, daysBefore: Int((window / 86400).rounded()))
            events.append(CaseEvent(type: .hearingReminder, snapshot: legalCase, change: change, occurredOn: nil,
                                    detectedAt: now))
        }
        return events.sorted { $0.caseID < $1.caseID }
    }

    /// The deadline reminders due at `now`: each step with a deadline still ahead.
    package static func deadlinesDue(cases: some Sequence<LegalCase>, offsets: [TimeInterval], now: Date,
                                     rules: DetectionRules = DetectionRules()) -> [CaseEvent] {
        var events: [CaseEvent] = []
        for legalCase in cases {
            for step in legalCase.history {
                guard let deadline = step.deadline, deadline.isComplete,
                      let moment = moment(ofDeadline: deadline,
                                          in: rules.gazetteer.timeZone(of: step.court ?? legalCase.court,
                                                                       country: legalCase.country)),
                      let window = window(before: moment, offsets: offsets, now: now)
                else { continue }
                let change = CaseChange(daysBefore: Int((window / 86400).rounded()), step: step)
                events.append(CaseEvent(type: .deadlineReminder, snapshot: legalCase, change: change, occurredOn: nil,
                                        detectedAt: now))
            }
        }
        return events.sorted { ($0.caseID, $0.id) < ($1.caseID, $1.id) }
    }

    /// The offset whose window `now` is in: the smallest one whose moment has come, while `moment` is ahead.
    static func window(before moment: Date, offsets: [TimeInterval], now: Date) -> TimeInterval? {
        guard now < moment else { return nil }
        return offsets.filter { $0 > 0 }.sorted().first { now >= moment.addingTimeInterval(-$0) }
    }

    /// What a reader is told of the time left before `moment`, at `now`: whole days, or hours within the last day.
    package static func timeLeft(until moment: Date, now: Date) -> (days: Int, hours: Int)? {
        let seconds = moment.timeIntervalSince(now)
        guard seconds > 0 else { return nil }
        let hours = Int((seconds / 3600).rounded(.down))
        return (hours / 24, hours % 24)
    }
}
