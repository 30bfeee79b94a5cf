extension CaseEvent {
    /// One line for terminals and logs: `evt_… case.status_changed mhg: hearing_scheduled → ruling_issued (granted)`.
    package var summaryLine: String {
        var detail: String
        switch type {
        case .statusChanged:
            detail = "\(change.from?.rawValue ?? "?") → \(change.to?.rawValue ?? "?")"
            if let outcome = change.outcome { detail += " (\(outcome.rawValue))" }
        case .stepAdded:
            detail = change.step.map { step in
                step.status.rawValue + (step.outcome.map { " (\($0.rawValue))" } ?? "") + " \(step.date)"
            } ?? "step added"
        case .hearingScheduled, .hearingPostponed, .hearingReminder:
            let hearing = change.hearing
            detail = [hearing?.date.description, hearing?.time, hearing?.court?.english].compactMap { $0 }
                .joined(separator: " ")
            if type == .hearingPostponed, hearing == nil { detail = "hearing removed" }
            if let days = change.daysBefore { detail += " (in \(days) day(s))" }
        case .deadlineReminder:
            detail = "deadline " + (change.step?.deadline?.description ?? "?")
        case .corrected:
            detail = "corrects \(change.corrects ?? "?")" + (change.step == nil ? ": step withdrawn" : "")
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
