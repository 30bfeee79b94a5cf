import CaseWatchModel
import InputFormats
/// The fast path of JSON case files: one case object read straight from its bytes into a ``LegalCase``,
/// with every check ``CaseDecoder`` makes.
///
/// It never reports a problem. At anything it is not sure of — an escape, a number, an unknown or
/// repeated key, a value ``CaseDecoder`` would refuse or warn about — it declines, and the element is
/// read again as a ``SourceNode`` tree and decoded by ``CaseDecoder``, which names the line and field.
/// So a case it accepts is the case ``CaseDecoder`` makes of the same bytes without a problem (the tests
/// compare the two), and every message comes from one place.
///
/// Why: a tree costs more than the case it becomes (a node, a string and an array per value); 100,000
/// cases took 1.8 s to load through it.
///
/// One reader serves one file: courts and claimants, which recur from case to case, are made into
/// strings once and shared (``TextPool``).
struct CaseJSONReader {
    private let pool = TextPool()
    /// The gazetteer's ids; a reference that looks like an id and is none of them makes the decoder warn, so it is
    /// declined here.
    var authorityIDs: Set<String> = []

    /// The case at `offset`, where it ends and the line breaks it crossed; nil to read it the slow way.
    func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (value: LegalCase, end: Int, newlines: Int)? {
        var json = JSONCursor(bytes, at: offset)
        do throws(JSONCursor.Decline) {
            let legalCase = try Self.readCase(&json, pool: pool, authorityIDs: authorityIDs)
            return (legalCase, json.index, json.newlines)
        } catch {
            return nil
        }
    }

    private enum CaseKey: String, CaseIterable {
        case id, subject, country, type, status, outcome, claimant, court
        case caseNumber = "case_number"
        case nextHearing = "next_hearing"
        case history, related, sources, tags
    }

    private enum SubjectKey: String, CaseIterable { case kind, name, websites }
    private enum HearingKey: String, CaseIterable { case date, time, court }
    private enum HistoryKey: String, CaseIterable {
        case date, status, outcome, note, court, authority, effects, deadline, document, measure, sentence, reason
        case legalBasis = "legal_basis"
        case category, amount, body
    }

    private enum SentenceKey: String, CaseIterable { case kind, years, months, amount }

    private static let caseKeys = ByteVocabulary(CaseKey.self)
    private static let subjectKeys = ByteVocabulary(SubjectKey.self)
    private static let hearingKeys = ByteVocabulary(HearingKey.self)
    private static let historyKeys = ByteVocabulary(HistoryKey.self)
    private static let languages = ByteVocabulary(Language.self)
    private static let subjectKinds = ByteVocabulary(SubjectKind.self)
    private static let caseTypes = ByteVocabulary(CaseType.self)
    private static let statuses = ByteVocabulary(CaseStatus.self)
    private static let outcomes = ByteVocabulary(Outcome.self)
    private static let measures = ByteVocabulary(RestraintMeasure.self)
    private static let reasons = ByteVocabulary(ReleaseReason.self)
    private static let sentenceKeys = ByteVocabulary(SentenceKey.self)

    private typealias Decline = JSONCursor.Decline

    private static func readCase(_ json: inout JSONCursor, pool: TextPool, authorityIDs: Set<String>) throws(Decline)
        -> LegalCase
    {
        var id: String?, subject: Subject?, country: String?, type: CaseType?, status: CaseStatus?
        var outcome: Outcome?, claimant: LocalizedText?, court: LocalizedText?, caseNumber: String?
        var nextHearing: Hearing?
        var history: [CaseStep] = [], related: [String] = [], sources: [String] = [], tags: [String] = []
        try json.object(keys: caseKeys) { json, key throws(Decline) in
            switch key {
            case .id: id = try json.string()
            case .subject: subject = try readSubject(&json)
            case .country: country = try json.string()
            case .type: type = try json.word(caseTypes)
            case .status: status = try json.nullable { json throws(Decline) in try json.word(statuses) }
            case .outcome: outcome = try json.nullable { json throws(Decline) in try json.word(outcomes) }
            // A raw line break is a control character, which the cursor declines: these are single-line.
            case .claimant: claimant = try json.nullable { json throws(Decline) in try readText(&json, pool: pool) }
            case .court: court = try json.nullable { json throws(Decline) in try readText(&json, pool: pool) }
            case .caseNumber: caseNumber = try json.nullable { json throws(Decline) in try json.string() }
            case .nextHearing: nextHearing = try json.nullable { json throws(Decline) in try readHearing(&json, pool: pool) }
            case .history:
                history = try json.nullable { json throws(Decline) in try readHistory(&json, pool: pool, type: type) } ?? []
            case .related: related = try json.nullable { json throws(Decline) in try json.strings() } ?? []
            case .sources: sources = try json.nullable { json throws(Decline) in try json.strings() } ?? []
            case .tags: tags = try json.nullable { json throws(Decline) in try json.strings() } ?? []
            }
        }
        guard let id, let subject, let country, let type, CaseDecoder.isSlug(id),
              CountryCodes.isAssigned(country), sources.allSatisfy(CaseDecoder.isWebAddress),
              tags.allSatisfy(CaseDecoder.isSlug), related.allSatisfy(CaseDecoder.isSlug)
        else { throw Decline() }
        let references = [claimant, court, nextHearing?.court] + history.flatMap { [$0.court, $0.authority] }
        guard references.allSatisfy({ reference in
            guard let reference, reference.isPlain else { return true }
            return !CaseDecoder.looksLikeID(reference.english) || authorityIDs.isEmpty
                || authorityIDs.contains(reference.english)
        }) else { throw Decline() }
        // The status and outcome come from the steps; anything the decoder would say about them, it says.
        let settled: (status: CaseStatus, outcome: Outcome?)
        if let derived = LegalCase.derivedStatus(of: history) {
            guard status.map({ $0 == derived.status }) ?? true, outcome.map({ $0 == derived.outcome }) ?? true,
                  history.allSatisfy({ step in
                      type.statuses.contains(step.status) && step.effects.allSatisfy(type.statuses.contains)
                  })
            else { throw Decline() }
            settled = derived
        } else {
            guard let status, type.statuses.contains(status) else { throw Decline() }
            settled = (status, outcome)
        }
        return LegalCase(
            id: id, subject: subject, country: country, type: type, status: settled.status, outcome: settled.outcome,
            claimant: claimant, court: court, caseNumber: caseNumber,
            nextHearing: nextHearing, history: history, related: related, sources: sources, tags: tags)
    }

    private static func readSubject(_ json: inout JSONCursor) throws(Decline) -> Subject {
        var kind: SubjectKind?
        var names = [String: String](minimumCapacity: Language.allCases.count)
        var websites: [String] = []
        try json.object(keys: subjectKeys) { json, key throws(Decline) in
            switch key {
            case .kind: kind = try json.word(subjectKinds)
            case .name:
                try json.object(keys: languages) { json, language throws(Decline) in
                    names[language.rawValue] = try json.nullable { json throws(Decline) in try json.string() }
                }
            case .websites: websites = try json.nullable { json throws(Decline) in try json.strings() } ?? []
            }
        }
        guard let kind, names[Language.en.rawValue] != nil,
              websites.allSatisfy({ CaseDecoder.isDomain($0) && $0 == $0.lowercased() })
        else { throw Decline() }
        return Subject(kind: kind, name: names, websites: websites)
    }

    private static func readHearing(_ json: inout JSONCursor, pool: TextPool) throws(Decline) -> Hearing {
        var date: CalendarDate?, time: String?, court: LocalizedText?
        try json.object(keys: hearingKeys) { json, key throws(Decline) in
            switch key {
            case .date: date = try readDate(&json)
            case .time: time = try json.nullable { json throws(Decline) in try json.string() }
            case .court: court = try json.nullable { json throws(Decline) in try readText(&json, pool: pool) }
            }
        }
        guard let date, date.isComplete, time.map(CaseDecoder.isClockTime) ?? true else { throw Decline() }
        return Hearing(date: date, time: time, court: court)
    }

    private static func readHistory(_ json: inout JSONCursor, pool: TextPool, type: CaseType?) throws(Decline)
        -> [CaseStep]
    {
        var steps: [CaseStep] = []
        try json.array { json throws(Decline) in
            var date: CalendarDate?, status: CaseStatus?, outcome: Outcome?, note: LocalizedText?
            var court: LocalizedText?, authority: LocalizedText?, effects: [CaseStatus] = [], deadline: CalendarDate?
            var document: String?, measure: RestraintMeasure?, sentence: Sentence?, reason: ReleaseReason?
            var legalBasis: String?, category: String?, amount: Int?, body: LocalizedText?
            var typed: Set<String> = []
            try json.object(keys: historyKeys) { json, key throws(Decline) in
                if [.measure, .sentence, .reason, .legalBasis, .category, .amount, .body].contains(key) {
                    typed.insert(key.rawValue)
                }
                switch key {
                case .measure: measure = try json.nullable { json throws(Decline) in try json.word(measures) }
                case .sentence: sentence = try json.nullable { json throws(Decline) in try readSentence(&json) }
                case .reason: reason = try json.nullable { json throws(Decline) in try json.word(reasons) }
                case .legalBasis: legalBasis = try json.nullable { json throws(Decline) in try json.string(from: pool) }
                case .category: category = try json.nullable { json throws(Decline) in try json.string(from: pool) }
                case .amount: amount = try json.nullable { json throws(Decline) in try json.wholeNumber() }
                case .body: body = try json.nullable { json throws(Decline) in try readText(&json, pool: pool) }
                case .date: date = try readDate(&json)
                case .status: status = try json.word(statuses)
                case .outcome: outcome = try json.nullable { json throws(Decline) in try json.word(outcomes) }
                case .note: note = try json.nullable { json throws(Decline) in try readText(&json, pool: nil) }
                case .court: court = try json.nullable { json throws(Decline) in try readText(&json, pool: pool) }
                case .authority: authority = try json.nullable { json throws(Decline) in try readText(&json, pool: pool) }
                case .effects: effects = try json.nullable { json throws(Decline) in try readStatuses(&json) } ?? []
                case .deadline: deadline = try json.nullable { json throws(Decline) in try readDate(&json) }
                case .document: document = try json.nullable { json throws(Decline) in try json.string() }
                }
            }
            // Oldest first, as CaseDecoder requires; a deadline needs its day.
            // A field of another type is an error the decoder names; the type comes before the history in canonical
            // JSON, so a history read before its type is declined.
            guard let date, let status, !(steps.last.map { date.isCertainlyBefore($0.date) } ?? false),
                  deadline?.isComplete ?? true, typed.isEmpty || type.map({ typed.isSubset(of: $0.stepFields) }) == true
            else { throw Decline() }
            steps.append(CaseStep(date: date, status: status, outcome: outcome, court: court, authority: authority,
                                  note: note, effects: effects, deadline: deadline, document: document,
                                  measure: measure, sentence: sentence, reason: reason, legalBasis: legalBasis,
                                  category: category, amount: amount, body: body))
        }
        return steps
    }

    private static func readSentence(_ json: inout JSONCursor) throws(Decline) -> Sentence {
        var kind: String?, years: Int?, months: Int?, amount: Int?
        try json.object(keys: sentenceKeys) { json, key throws(Decline) in
            switch key {
            case .kind: kind = try json.string()
            case .years: years = try json.wholeNumber()
            case .months: months = try json.wholeNumber()
            case .amount: amount = try json.wholeNumber()
            }
        }
        guard let kind, Sentence.kinds.contains(kind) else { throw Decline() }
        return Sentence(kind: kind, years: years, months: months, amount: amount)
    }

    /// A text: a string (English; shared through `pool` when given), or `{en, ru, fr}` with English.
    private static func readText(_ json: inout JSONCursor, pool: TextPool?) throws(Decline) -> LocalizedText {
        guard json.objectFollows() else {
            if let pool { return LocalizedText(try json.string(from: pool)) }
            return LocalizedText(try json.string())
        }
        var texts = [String: String](minimumCapacity: Language.allCases.count)
        try json.object(keys: languages) { json, language throws(Decline) in
            texts[language.rawValue] = try json.string()
        }
        guard let text = LocalizedText(texts) else { throw Decline() }
        return text
    }

    private static func readStatuses(_ json: inout JSONCursor) throws(Decline) -> [CaseStatus] {
        var words: [CaseStatus] = []
        try json.array { json throws(Decline) in words.append(try json.word(statuses)) }
        return words
    }

    private static func readDate(_ json: inout JSONCursor) throws(Decline) -> CalendarDate {
        let raw = try json.rawString()
        if let date = CalendarDate(utf8: raw) { return date }
        // A date known to the month or the year only (`2025-07`, `2025`).
        guard raw.count == 4 || raw.count == 7, let text = String(validating: raw, as: UTF8.self),
              let date = CalendarDate(text)
        else { throw Decline() }
        return date
    }
}
