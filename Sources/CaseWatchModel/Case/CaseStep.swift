/// One step of a case, oldest first in ``LegalCase/history``, with the facts that belong to it alone: its date,
/// status, outcome, the court that ruled, the authority that acted, its note and what it brought about
/// (``effects``), and the fields of its type. Nothing of an earlier step is ever shown as this one's.
package struct CaseStep: Sendable, Hashable, Codable {
    package var date: CalendarDate
    package var status: CaseStatus
    package var outcome: Outcome?
    /// The court that ruled or heard this step: a gazetteer id or its name.
    package var court: LocalizedText?
    /// The body that acted (a ministry that filed a claim, a prosecutor who decided): a gazetteer id or its name.
    package var authority: LocalizedText?
    package var note: LocalizedText?
    /// What the step also brought about the same day (`[in_force]` on an appeal decision that makes a ruling final).
    package var effects: [CaseStatus]
    /// A date the step opens, such as the last day to appeal.
    package var deadline: CalendarDate?
    /// A case or order number (`138-р`).
    package var document: String?
    /// Criminal cases: the measure of restraint ordered.
    package var measure: RestraintMeasure?
    /// Criminal and administrative cases: the sentence or penalty.
    package var sentence: Sentence?
    /// Criminal cases: why the person was released.
    package var reason: ReleaseReason?
    /// Designations: the law the designation rests on, and the register's category.
    package var legalBasis: String?
    package var category: String?
    /// Fines, in roubles.
    package var amount: Int?
    /// International cases: the body (an authorities id or name).
    package var body: LocalizedText?

    package init(
        date: CalendarDate, status: CaseStatus, outcome: Outcome? = nil, court: LocalizedText? = nil,
        authority: LocalizedText? = nil, note: LocalizedText? = nil, effects: [CaseStatus] = [],
        deadline: CalendarDate? = nil, document: String? = nil, measure: RestraintMeasure? = nil,
        sentence: Sentence? = nil, reason: ReleaseReason? = nil, legalBasis: String? = nil, category: String? = nil,
        amount: Int? = nil, body: LocalizedText? = nil
    ) {
        self.date = date
        self.status = status
        self.outcome = outcome
        self.court = court
        self.authority = authority
        self.note = note
        self.effects = effects
        self.deadline = deadline
        self.document = document
        self.measure = measure
        self.sentence = sentence
        self.reason = reason
        self.legalBasis = legalBasis
        self.category = category
        self.amount = amount
        self.body = body
    }

    enum CodingKeys: String, CodingKey {
        case date, status, outcome, court, authority, note, effects, deadline, document, measure, sentence, reason
        case legalBasis = "legal_basis"
        case category, amount, body
    }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        date = try container.decode(CalendarDate.self, forKey: .date)
        status = try container.decode(CaseStatus.self, forKey: .status)
        outcome = try container.decodeIfPresent(Outcome.self, forKey: .outcome)
        court = try container.decodeIfPresent(LocalizedText.self, forKey: .court)
        authority = try container.decodeIfPresent(LocalizedText.self, forKey: .authority)
        note = try container.decodeIfPresent(LocalizedText.self, forKey: .note)
        effects = try container.decodeIfPresent([CaseStatus].self, forKey: .effects) ?? []
        deadline = try container.decodeIfPresent(CalendarDate.self, forKey: .deadline)
        document = try container.decodeIfPresent(String.self, forKey: .document)
        measure = try container.decodeIfPresent(RestraintMeasure.self, forKey: .measure)
        sentence = try container.decodeIfPresent(Sentence.self, forKey: .sentence)
        reason = try container.decodeIfPresent(ReleaseReason.self, forKey: .reason)
        legalBasis = try container.decodeIfPresent(String.self, forKey: .legalBasis)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        amount = try container.decodeIfPresent(Int.self, forKey: .amount)
        body = try container.decodeIfPresent(LocalizedText.self, forKey: .body)
    }

    /// The status the case is in after this step: its last effect, else its own status.
    package var resultingStatus: CaseStatus { effects.last ?? status }

    /// Whether the step uses a field CaseWatch 1 did not know (a version-2 file).
    package var usesVersion2Fields: Bool {
        court != nil || authority != nil || !effects.isEmpty || deadline != nil || document != nil || measure != nil
            || sentence != nil || reason != nil || legalBasis != nil || category != nil || amount != nil || body != nil
            || (note.map { !$0.isPlain } ?? false)
    }

    /// The facts a correction is about: everything but the note. Two versions of a step with the same facts
    /// differ at most in their note (a translation added is enrichment, never a correction).
    package var facts: CaseStep {
        var facts = self
        facts.note = nil
        return facts
    }
}

/// A sentence or penalty: imprisonment for years and months, a fine of an amount, and so on.
package struct Sentence: Sendable, Hashable, Codable {
    /// `imprisonment`, `suspended`, `fine`, `compulsory_work`, `restriction_of_freedom`, `arrest` (administrative),
    /// `warning`.
    package var kind: String
    package var years: Int?
    package var months: Int?
    /// Roubles, for a fine.
    package var amount: Int?

    package static let kinds = ["imprisonment", "suspended", "fine", "compulsory_work", "restriction_of_freedom",
                                "arrest", "warning"]

    package init(kind: String, years: Int? = nil, months: Int? = nil, amount: Int? = nil) {
        self.kind = kind
        self.years = years
        self.months = months
        self.amount = amount
    }
}
