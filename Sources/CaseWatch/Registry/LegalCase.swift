/// One case of the registry: proceedings against an organisation or a person, as an operator keeps it.
///
/// A value: the registry loader builds it, change detection compares two of them, the store keeps the
/// last one seen as canonical JSON (see `LegalCase+CanonicalJSON.swift`).
public struct LegalCase: Sendable, Hashable, Codable {
    public var id: String
    public var subject: Subject
    public var country: String
    public var type: CaseType
    public var status: CaseStatus
    public var outcome: Outcome?
    public var claimant: String?
    public var court: String?
    public var caseNumber: String?
    public var nextHearing: Hearing?
    public var history: [HistoryEntry]
    public var sources: [String]
    public var tags: [String]

    public init(
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
    public var statusDate: CalendarDate? {
        history.last { $0.status == status }?.date
    }
}

/// The organisation or person a case is brought against, named in each language the operator knows.
public struct Subject: Sendable, Hashable, Codable {
    public var kind: SubjectKind
    /// Names by language code; `en` is always present.
    public var name: [String: String]

    public init(kind: SubjectKind, name: [String: String]) {
        self.kind = kind
        self.name = name
    }

    /// The name in `language`, or the English one.
    public func name(in language: Language) -> String {
        name[language.rawValue] ?? name["en"] ?? ""
    }
}

/// A hearing set by a court.
public struct Hearing: Sendable, Hashable, Codable {
    public var date: CalendarDate
    /// Local time at the court, `HH:MM`.
    public var time: String?
    public var court: String?

    public init(date: CalendarDate, time: String? = nil, court: String? = nil) {
        self.date = date
        self.time = time
        self.court = court
    }
}

/// One step of a case's past, oldest first in ``LegalCase/history``.
public struct HistoryEntry: Sendable, Hashable, Codable {
    public var date: CalendarDate
    public var status: CaseStatus
    public var outcome: Outcome?
    public var note: String?

    public init(date: CalendarDate, status: CaseStatus, outcome: Outcome? = nil, note: String? = nil) {
        self.date = date
        self.status = status
        self.outcome = outcome
        self.note = note
    }
}
