extension CaseEvent {
    /// One line for terminals and logs: `evt_… case.status_changed mhg: hearing_scheduled → ruling_issued (granted)`.
    package var summaryLine: String {
        var detail: String
        switch type {
        case .statusChanged:
            detail = "\(change.from?.rawValue ?? "?") → \(change.to?.rawValue ?? "?")"
            if let outcome = change.outcome { detail += " (\(outcome.rawValue))" }
        case .hearingScheduled, .hearingReminder:
            let hearing = change.hearing
            detail = [hearing?.date.description, hearing?.time, hearing?.court].compactMap { $0 }.joined(separator: " ")
            if let days = change.daysBefore { detail += " (in \(days) day(s))" }
        case .updated:
            detail = "changed: " + (change.fields ?? []).joined(separator: ", ")
        case .added:
            detail = snapshot.status.rawValue
        case .removed:
            detail = "no longer in the registry"
        }
        return "\(id) \(type.rawValue) \(caseID): \(detail)"
    }
}
