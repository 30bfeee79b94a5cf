/// One case of the registry: proceedings against an organisation or a person, as an operator keeps it.
///
/// A value: the registry loader builds it, change detection compares two of them, the store keeps the
/// last one seen as canonical JSON (see `LegalCase+CanonicalJSON.swift`).
package struct LegalCase: Sendable, Hashable, Codable {
    package var id: String
    package var subject: Subject
    package var country: String
    package var type: CaseType
    /// Where the case stands: derived from its steps (``derivedStatus(of:)``) unless the case has none.
    package var status: CaseStatus
    package var outcome: Outcome?
    /// Who brought the case (a gazetteer id or a name); criminal cases have none.
    package var claimant: LocalizedText?
    /// The court of first instance (a gazetteer id or a name).
    package var court: LocalizedText?
    package var caseNumber: String?
    package var nextHearing: Hearing?
    package var history: [CaseStep]
    /// Ids of linked cases (an international proceeding about this one, say).
    package var related: [String]
    package var sources: [String]
    package var tags: [String]
    /// Entries of official lists this hand-kept case claims (`minjust-undesirable:138-р/2023-02-07`): their steps
    /// join its history instead of making a second case.
    package var imports: [String] = []

    package init(
        id: String, subject: Subject, country: String, type: CaseType, status: CaseStatus, outcome: Outcome? = nil,
        claimant: LocalizedText? = nil, court: LocalizedText? = nil, caseNumber: String? = nil,
        nextHearing: Hearing? = nil, history: [CaseStep] = [], related: [String] = [], sources: [String] = [],
        tags: [String] = []
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
        self.related = related
        self.sources = sources
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case id, subject, country, type, status, outcome, claimant, court
        case caseNumber = "case_number"
        case nextHearing = "next_hearing"
        case history, related, sources, tags, imports
    }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        subject = try container.decode(Subject.self, forKey: .subject)
        country = try container.decode(String.self, forKey: .country)
        type = try container.decode(CaseType.self, forKey: .type)
        status = try container.decode(CaseStatus.self, forKey: .status)
        outcome = try container.decodeIfPresent(Outcome.self, forKey: .outcome)
        claimant = try container.decodeIfPresent(LocalizedText.self, forKey: .claimant)
        court = try container.decodeIfPresent(LocalizedText.self, forKey: .court)
        caseNumber = try container.decodeIfPresent(String.self, forKey: .caseNumber)
        nextHearing = try container.decodeIfPresent(Hearing.self, forKey: .nextHearing)
        history = try container.decodeIfPresent([CaseStep].self, forKey: .history) ?? []
        related = try container.decodeIfPresent([String].self, forKey: .related) ?? []
        sources = try container.decodeIfPresent([String].self, forKey: .sources) ?? []
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        imports = try container.decodeIfPresent([String].self, forKey: .imports) ?? []
    }

    /// The step that gives the case its status: the last main step, or the last step while there is none.
    package var statusStep: CaseStep? {
        Self.statusStep(of: history)
    }

    /// The date the current status was reached: the date of ``statusStep``.
    package var statusDate: CalendarDate? { statusStep?.date }

    /// The last main step of `history`, else its last step.
    package static func statusStep(of history: [CaseStep]) -> CaseStep? {
        history.last { !$0.status.isSideStep } ?? history.last
    }

    /// The status and outcome `history` gives: those of its ``statusStep(of:)``, the status being its last effect
    /// when it has effects. Nil for a case without steps.
    package static func derivedStatus(of history: [CaseStep]) -> (status: CaseStatus, outcome: Outcome?)? {
        statusStep(of: history).map { ($0.resultingStatus, $0.outcome) }
    }

    /// Whether a designation of this case is in force that makes its subject's material dangerous to readers in
    /// Russia (an undesirable or extremist case, not delisted nor closed).
    package var endangersReaders: Bool {
        type.endangersReaders && status != .delisted && status != .closed
    }
}

/// The organisation or person a case is brought against, named in each language the operator knows.
package struct Subject: Sendable, Hashable, Codable {
    package var kind: SubjectKind
    /// Names by language code; `en` is always present.
    package var name: [String: String]
    /// Domains the subject publishes on (`meduza.io`).
    package var websites: [String]

    package init(kind: SubjectKind, name: [String: String], websites: [String] = []) {
        self.kind = kind
        self.name = name
        self.websites = websites
    }

    enum CodingKeys: String, CodingKey { case kind, name, websites }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(SubjectKind.self, forKey: .kind)
        name = try container.decode([String: String].self, forKey: .name)
        websites = try container.decodeIfPresent([String].self, forKey: .websites) ?? []
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
    /// The court (a gazetteer id or its name); its time zone is the hearing's.
    package var court: LocalizedText?

    package init(date: CalendarDate, time: String? = nil, court: LocalizedText? = nil) {
        self.date = date
        self.time = time
        self.court = court
    }
}

/// The name code written before steps carried their facts used for a step.
package typealias HistoryEntry = CaseStep
