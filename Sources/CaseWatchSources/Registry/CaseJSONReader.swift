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

    /// The case at `offset`, where it ends and the line breaks it crossed; nil to read it the slow way.
    func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (value: LegalCase, end: Int, newlines: Int)? {
        var json = JSONCursor(bytes, at: offset)
        do throws(JSONCursor.Decline) {
            let legalCase = try Self.readCase(&json, pool: pool)
            return (legalCase, json.index, json.newlines)
        } catch {
            return nil
        }
    }

    private enum CaseKey: String, CaseIterable {
        case id, subject, country, type, status, outcome, claimant, court
        case caseNumber = "case_number"
        case nextHearing = "next_hearing"
        case history, sources, tags
    }

    private enum SubjectKey: String, CaseIterable { case kind, name }
    private enum HearingKey: String, CaseIterable { case date, time, court }
    private enum HistoryKey: String, CaseIterable { case date, status, outcome, note }

    private static let caseKeys = ByteVocabulary(CaseKey.self)
    private static let subjectKeys = ByteVocabulary(SubjectKey.self)
    private static let hearingKeys = ByteVocabulary(HearingKey.self)
    private static let historyKeys = ByteVocabulary(HistoryKey.self)
    private static let languages = ByteVocabulary(Language.self)
    private static let subjectKinds = ByteVocabulary(SubjectKind.self)
    private static let caseTypes = ByteVocabulary(CaseType.self)
    private static let statuses = ByteVocabulary(CaseStatus.self)
    private static let outcomes = ByteVocabulary(Outcome.self)

    private typealias Decline = JSONCursor.Decline

    private static func readCase(_ json: inout JSONCursor, pool: TextPool) throws(Decline) -> LegalCase {
        var id: String?, subject: Subject?, country: String?, type: CaseType?, status: CaseStatus?
        var outcome: Outcome?, claimant: String?, court: String?, caseNumber: String?, nextHearing: Hearing?
        var history: [HistoryEntry] = [], sources: [String] = [], tags: [String] = []
        try json.object(keys: caseKeys) { json, key throws(Decline) in
            switch key {
            case .id: id = try json.string()
            case .subject: subject = try readSubject(&json)
            case .country: country = try json.string()
            case .type: type = try json.word(caseTypes)
            case .status: status = try json.word(statuses)
            case .outcome: outcome = try json.nullable { json throws(Decline) in try json.word(outcomes) }
            // A raw line break is a control character, which the cursor declines: these are single-line.
            case .claimant: claimant = try json.nullable { json throws(Decline) in try json.string(from: pool) }
            case .court: court = try json.nullable { json throws(Decline) in try json.string(from: pool) }
            case .caseNumber: caseNumber = try json.nullable { json throws(Decline) in try json.string() }
            case .nextHearing: nextHearing = try json.nullable { json throws(Decline) in try readHearing(&json, pool: pool) }
            case .history: history = try json.nullable(readHistory) ?? []
            case .sources: sources = try json.nullable { json throws(Decline) in try json.strings() } ?? []
            case .tags: tags = try json.nullable { json throws(Decline) in try json.strings() } ?? []
            }
        }
        guard let id, let subject, let country, let type, let status, CaseDecoder.isSlug(id),
              CountryCodes.isAssigned(country), sources.allSatisfy(CaseDecoder.isWebAddress),
              tags.allSatisfy(CaseDecoder.isSlug)
        else { throw Decline() }
        return LegalCase(
            id: id, subject: subject, country: country, type: type, status: status, outcome: outcome,
            claimant: claimant, court: court, caseNumber: caseNumber, nextHearing: nextHearing, history: history,
            sources: sources, tags: tags)
    }

    private static func readSubject(_ json: inout JSONCursor) throws(Decline) -> Subject {
        var kind: SubjectKind?
        var names = [String: String](minimumCapacity: Language.allCases.count)
        try json.object(keys: subjectKeys) { json, key throws(Decline) in
            switch key {
            case .kind: kind = try json.word(subjectKinds)
            case .name:
                try json.object(keys: languages) { json, language throws(Decline) in
                    names[language.rawValue] = try json.nullable { json throws(Decline) in try json.string() }
                }
            }
        }
        guard let kind, names[Language.en.rawValue] != nil else { throw Decline() }
        return Subject(kind: kind, name: names)
    }

    private static func readHearing(_ json: inout JSONCursor, pool: TextPool) throws(Decline) -> Hearing {
        var date: CalendarDate?, time: String?, court: String?
        try json.object(keys: hearingKeys) { json, key throws(Decline) in
            switch key {
            case .date: date = try readDate(&json)
            case .time: time = try json.nullable { json throws(Decline) in try json.string() }
            case .court: court = try json.nullable { json throws(Decline) in try json.string(from: pool) }
            }
        }
        guard let date, time.map(CaseDecoder.isClockTime) ?? true else { throw Decline() }
        return Hearing(date: date, time: time, court: court)
    }

    private static func readHistory(_ json: inout JSONCursor) throws(Decline) -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        try json.array { json throws(Decline) in
            var date: CalendarDate?, status: CaseStatus?, outcome: Outcome?, note: String?
            try json.object(keys: historyKeys) { json, key throws(Decline) in
                switch key {
                case .date: date = try readDate(&json)
                case .status: status = try json.word(statuses)
                case .outcome: outcome = try json.nullable { json throws(Decline) in try json.word(outcomes) }
                case .note: note = try json.nullable { json throws(Decline) in try json.string() }
                }
            }
            // Oldest first, as CaseDecoder requires.
            guard let date, let status, !(entries.last.map { date < $0.date } ?? false) else { throw Decline() }
            entries.append(HistoryEntry(date: date, status: status, outcome: outcome, note: note))
        }
        return entries
    }

    private static func readDate(_ json: inout JSONCursor) throws(Decline) -> CalendarDate {
        guard let date = CalendarDate(utf8: try json.rawString()) else { throw Decline() }
        return date
    }
}
