/// The kinds of event SPEC names; outside systems rely on these exact strings.
package enum EventType: String, Sendable, Codable, CaseIterable, Comparable {
    case added = "case.added"
    case statusChanged = "case.status_changed"
    case hearingScheduled = "case.hearing_scheduled"
    case hearingReminder = "case.hearing_reminder"
    case updated = "case.updated"
    case removed = "case.removed"

    package static func < (lhs: EventType, rhs: EventType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
