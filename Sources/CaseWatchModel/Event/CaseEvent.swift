import Crypto
import Foundation

/// Something that happened to a case and is worth an alert.
///
/// The id is derived from the content (case, type, the step or values that changed) and the id of the case's
/// previous event, never from the time of detection: detecting the same change twice yields the same id and the
/// store records it once, while a change that happens again later (removed, re-added, removed) is a new event.
package struct CaseEvent: Sendable, Hashable, Codable {
    package var id: String
    package var type: EventType
    package var caseID: String
    /// The day it happened according to the registry (the history entry's date), when known.
    package var occurredOn: CalendarDate?
    package var detectedAt: Date
    package var change: CaseChange
    /// The case as it stands after the change (for `case.removed`: as it was last seen).
    package var snapshot: LegalCase
    /// Why the event was withdrawn before its alerts left, when it was (kept by the store, not part of the event).
    package var withdrawal: String?
    /// Where its facts came from (not part of the id); nil for events recorded by the release before, and where
    /// the source is not known.
    package var evidence: Evidence?

    /// - Parameter previousEventID: the id of the case's event before this one (detected changes only; reminders
    ///   are identified by their content alone).
    package init(type: EventType, snapshot: LegalCase, change: CaseChange, occurredOn: CalendarDate?, detectedAt: Date,
                 previousEventID: String? = nil) {
        self.type = type
        self.caseID = snapshot.id
        self.snapshot = snapshot
        self.change = change
        self.occurredOn = occurredOn
        self.detectedAt = detectedAt
        self.id = Self.id(caseID: snapshot.id, type: type, change: change, occurredOn: occurredOn,
                          previousEventID: previousEventID)
    }

    /// The step the event is about, when it is about one.
    package var step: CaseStep? { change.step }

    enum CodingKeys: String, CodingKey {
        case id, type
        case caseID = "case_id"
        case occurredOn = "occurred_on"
        case detectedAt = "detected_at"
        case change
        case snapshot = "case"
        case evidence
    }

    /// `evt_` and 26 base-32 characters of a SHA-256 over the event's identifying content.
    static func id(caseID: String, type: EventType, change: CaseChange, occurredOn: CalendarDate?,
                   previousEventID: String?) -> String {
        var parts = [caseID, type.rawValue, occurredOn?.description ?? ""]
        parts += change.identity
        // Only what CaseWatch 1 did not have is added, so the ids of the events it knew do not move.
        if let previousEventID { parts += ["after", previousEventID] }
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Array(part.utf8))
            hasher.update(data: [0])
        }
        return "evt_" + Base32.lowercase(Array(hasher.finalize()).prefix(16)).prefix(26)
    }
}

/// What changed, in the terms the alert needs.
package struct CaseChange: Sendable, Hashable, Codable {
    /// For `case.status_changed`: the previous and new status and the ruling's outcome.
    package var from: CaseStatus?
    package var to: CaseStatus?
    package var outcome: Outcome?
    /// For `case.hearing_scheduled` and `case.hearing_reminder`: the hearing.
    package var hearing: Hearing?
    /// For `case.hearing_reminder`: days left before the hearing.
    package var daysBefore: Int?
    /// For `case.updated`: the fields that changed, by their case-file names.
    package var fields: [String]?
    /// For `case.updated` and `case.removed`: a digest of the new content, so a later edit is a new event.
    package var digest: String?
    /// The step the event is about (a status change, a step added, a deadline reminder; for `case.added`, the step
    /// that gives the case its status; for `case.corrected`, the step as it is now, nil when it vanished).
    package var step: CaseStep?
    /// The step was dated more than `registry.late_after` before it was first seen.
    package var late: Bool?
    /// For `case.updated`: each field that changed, with its old and new value.
    package var changes: [FieldChange]?
    /// For `case.corrected`: the id of the event whose facts were wrong, and its step as announced.
    package var corrects: String?
    package var announcedStep: CaseStep?
    /// For `case.hearing_postponed` (and a hearing moved earlier): the hearing as it was.
    package var previousHearing: Hearing?

    package init(
        from: CaseStatus? = nil, to: CaseStatus? = nil, outcome: Outcome? = nil, hearing: Hearing? = nil,
        daysBefore: Int? = nil, fields: [String]? = nil, digest: String? = nil, step: CaseStep? = nil,
        late: Bool? = nil, changes: [FieldChange]? = nil, corrects: String? = nil, announcedStep: CaseStep? = nil,
        previousHearing: Hearing? = nil
    ) {
        self.from = from
        self.to = to
        self.outcome = outcome
        self.hearing = hearing
        self.daysBefore = daysBefore
        self.fields = fields
        self.digest = digest
        self.step = step
        self.late = late
        self.changes = changes
        self.corrects = corrects
        self.announcedStep = announcedStep
        self.previousHearing = previousHearing
    }

    enum CodingKeys: String, CodingKey {
        case from, to, outcome, hearing
        case daysBefore = "days_before"
        case fields, digest, step, late, changes, corrects
        case announcedStep = "announced_step"
        case previousHearing = "previous_hearing"
    }

    var identity: [String] {
        var parts: [String] = [from?.rawValue ?? "", to?.rawValue ?? "", outcome?.rawValue ?? ""]
        parts.append(hearing.map(Self.identity(of:)) ?? "")
        parts += [daysBefore.map(String.init) ?? "", (fields ?? []).joined(separator: ","), digest ?? ""]
        // Only what CaseWatch 1 did not have is added, and only when there: its events keep their ids.
        if let step { parts += ["step", String(decoding: step.canonicalJSON, as: UTF8.self)] }
        if let corrects { parts += ["corrects", corrects] }
        if let previousHearing { parts += ["was", Self.identity(of: previousHearing)] }
        return parts
    }

    private static func identity(of hearing: Hearing) -> String {
        let court: String = hearing.court?.english ?? ""
        return "\(hearing.date) \(hearing.time ?? "") \(court)"
    }
}

/// One field of a case that changed, with its values before and after as text.
package struct FieldChange: Sendable, Hashable, Codable {
    package var field: String
    package var from: String?
    package var to: String?

    package init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}
