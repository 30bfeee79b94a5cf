import Foundation
import CaseWatchModel

/// `case.hearing_reminder` events: a configured time before each case's next hearing, once each.
///
/// Pure: given the cases, the offsets (`schedule.reminders`) and the time, the reminders now due. Only
/// the closest offset whose moment has come is due, so a hearing first seen three days ahead gets its
/// one-day reminder in time but never a late "seven days" one. The event id is derived from the case,
/// the hearing and the offset, so recording the same reminder again records nothing.
package enum HearingReminders {
    /// The moment of a hearing: its date and time (09:00 when no time is given), read as UTC.
    package static func moment(of hearing: Hearing) -> Date? {
        var components = DateComponents()
        components.year = hearing.date.year
        components.month = hearing.date.month
        components.day = hearing.date.day
        let parts = (hearing.time ?? "09:00").split(separator: ":").compactMap { Int($0) }
        components.hour = parts.first ?? 9
        components.minute = parts.count > 1 ? parts[1] : 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: components)
    }

    package static func due(cases: some Sequence<LegalCase>, offsets: [TimeInterval], now: Date) -> [CaseEvent] {
        let ascending = offsets.filter { $0 > 0 }.sorted()
        var events: [CaseEvent] = []
        for legalCase in cases {
            guard let hearing = legalCase.nextHearing, let moment = moment(of: hearing), now < moment else { continue }
            guard let offset = ascending.first(where: { now >= moment.addingTimeInterval(-$0) }) else { continue }
            let change = CaseChange(hearing: hearing, daysBefore: Int((offset / 86400).rounded()))
            events.append(CaseEvent(type: .hearingReminder, snapshot: legalCase, change: change, occurredOn: nil,
                                    detectedAt: now))
        }
        return events.sorted { $0.caseID < $1.caseID }
    }
}
