/// One case of the registry: proceedings against an organisation or a person, as an operator keeps it.
///
/// A value: the registry loader builds it, change detection compares two of them, the store keeps the
/// last one seen as canonical JSON (see `LegalCase+CanonicalJSON.swift`).
package struct LegalCase: Sendable, Hashable, Codable {
    package var id: String
    package var subject: Subject
    package var country: String
    package var type: CaseType
    package var status: CaseStatus
    package var outcome: Outcome?
    package var claimant: String?
    package var court: String?
    package var caseNumber: String?
    package var nextHearing: Hearing?
    package var history: [HistoryEntry]
    package var sources: [String]
    package var tags: [String]

    package init(
        id: String, subject: Subject, country: String, type: CaseType, status: CaseStatus, outcome: Outcome? = nil,
        claimant: String? = nil, court: String? = nil, caseNumber: String? = nil, nextHearing: Hearing? = nil,
        history: [HistoryEntry] = [], sources: [String] = [], tags: [String] = []
    ) {
        self.id = id
        self.subject = subject
        self.country = country
        self.type = type
        self.status = status
        self.outcome = outcome
        self.claimant = claimant
        self.court = court
        self.caseNumber = caseNumber
        self.nextHearing = nextHearing
        self.history = history
        self.sources = sources
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case id, subject, country, type, status, outcome, claimant, court
        case caseNumber = "case_number"
        case nextHearing = "next_hearing"
        case history, sources, tags
    }

    /// The date the current status was reached: the newest history entry with that status.
    package var statusDate: CalendarDate? {
        history.last { $0.status == status }?.date
    }
}

/// The organisation or person a case is brought against, named in each language the operator knows.
package struct Subject: Sendable, Hashable, Codable {
    package var kind: SubjectKind
    /// Names by language code; `en` is always present.
    package var name: [String: String]

    package init(kind: SubjectKind, name: [String: String]) {
        self.kind = kind
        self.name = name
    }

    /// The name in `language`, or the English one.
    package func name(in language: Language) -> String {
        name[language.rawValue] ?? name["en"] ?? ""
    }
}

/// A hearing set by a court.
package struct Hearing: Sendable, Hashable, Codable {
    package var date: CalendarDate
    /// Local time at the court, `HH:MM`.
    package var time: String?
    package var court: String?

    package init(date: CalendarDate, time: String? = nil, court: String? = nil) {
        self.date = date
        self.time = time
        self.court = court
    }
}

/// One step of a case's past, oldest first in ``LegalCase/history``.
package struct HistoryEntry: Sendable, Hashable, Codable {
    package var date: CalendarDate
    package var status: CaseStatus
    package var outcome: Outcome?
    package var note: String?

    package init(date: CalendarDate, status: CaseStatus, outcome: Outcome? = nil, note: String? = nil) {
        self.date = date
        self.status = status
        self.outcome = outcome
        self.note = note
    }
}
