/// The kinds of event SPEC names; outside systems rely on these exact strings.
package enum EventType: String, Sendable, Codable, CaseIterable, Comparable {
    case added = "case.added"
    case statusChanged = "case.status_changed"
    case stepAdded = "case.step_added"
    case hearingScheduled = "case.hearing_scheduled"
    case hearingPostponed = "case.hearing_postponed"
    case hearingReminder = "case.hearing_reminder"
    case deadlineReminder = "case.deadline_reminder"
    case updated = "case.updated"
    case corrected = "case.corrected"
    case removed = "case.removed"

    /// The event types of CaseWatch 1, which version-1 webhook receivers know.
    package static let version1: Set<EventType> = [.added, .statusChanged, .hearingScheduled, .hearingReminder,
                                                   .updated, .removed]

    /// Reminders are made by the scheduler, not by a change: they are not held, and their ids come from their
    /// content alone (a reminder made again is the same reminder).
    package var isReminder: Bool { self == .hearingReminder || self == .deadlineReminder }

    package static func < (lhs: EventType, rhs: EventType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
