import Crypto
import Foundation

/// Something that happened to a case and is worth an alert.
///
/// The id is derived from the content (case, type, the values that changed), never from the time of
/// detection, so detecting the same change twice yields the same id and the store records it once.
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

    package init(type: EventType, snapshot: LegalCase, change: CaseChange, occurredOn: CalendarDate?, detectedAt: Date) {
        self.type = type
        self.caseID = snapshot.id
        self.snapshot = snapshot
        self.change = change
        self.occurredOn = occurredOn
        self.detectedAt = detectedAt
        self.id = Self.id(caseID: snapshot.id, type: type, change: change, occurredOn: occurredOn)
    }

    enum CodingKeys: String, CodingKey {
        case id, type
        case caseID = "case_id"
        case occurredOn = "occurred_on"
        case detectedAt = "detected_at"
        case change
        case snapshot = "case"
    }

    /// `evt_` and 26 base-32 characters of a SHA-256 over the event's identifying content.
    static func id(caseID: String, type: EventType, change: CaseChange, occurredOn: CalendarDate?) -> String {
        var parts = [caseID, type.rawValue, occurredOn?.description ?? ""]
        parts += change.identity
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

    package init(
        from: CaseStatus? = nil, to: CaseStatus? = nil, outcome: Outcome? = nil, hearing: Hearing? = nil,
        daysBefore: Int? = nil, fields: [String]? = nil, digest: String? = nil
    ) {
        self.from = from
        self.to = to
        self.outcome = outcome
        self.hearing = hearing
        self.daysBefore = daysBefore
        self.fields = fields
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case from, to, outcome, hearing
        case daysBefore = "days_before"
        case fields, digest
    }

    var identity: [String] {
        [
            from?.rawValue ?? "", to?.rawValue ?? "", outcome?.rawValue ?? "",
            hearing.map { "\($0.date) \($0.time ?? "") \($0.court ?? "")" } ?? "",
            daysBefore.map(String.init) ?? "", (fields ?? []).joined(separator: ","), digest ?? "",
        ]
    }
}
