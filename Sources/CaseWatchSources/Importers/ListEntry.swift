import CaseWatchModel
import InputFormats

/// Which official list an entry comes from.
package enum ListKind: Sendable, Hashable {
    /// The Ministry of Justice's list of undesirable organisations.
    case minjustUndesirable
    /// The Ministry of Justice's register of foreign agents (its registry JSON, or a community mirror's CSV).
    case minjustForeignAgents
    /// Any table read through a ``TableMapping``, by the name the operator gives it.
    case table(String)

    /// The importer's name in `registry.sources` (`import: minjust-undesirable`).
    package var importName: String {
        switch self {
        case .minjustUndesirable: "minjust-undesirable"
        case .minjustForeignAgents: "minjust-foreign-agents"
        case .table: "table"
        }
    }

    /// What case ids start with; a table's ids are its mapping's template alone.
    package var idPrefix: String {
        switch self {
        case .minjustUndesirable, .minjustForeignAgents: importName
        case .table: ""
        }
    }

    /// The tag every case of this list carries (`import-minjust-undesirable`): tags are slugs, so no colon.
    package var tag: String {
        switch self {
        case .minjustUndesirable, .minjustForeignAgents: "import-\(importName)"
        case .table(let name): ImportSlug.id(prefix: "import-table", key: name)
        }
    }
}

/// A dated step of a table row whose status has no field of its own in ``ListEntry``.
package struct ListDate: Sendable, Hashable {
    package var status: CaseStatus
    package var date: CalendarDate

    package init(status: CaseStatus, date: CalendarDate) {
        self.status = status
        self.date = date
    }
}

/// One entry of an official list, as the list gives it and without anything CaseWatch must not keep: no tax or
/// insurance number, birth date or address ever reaches it (the parsers drop those columns and scrub names).
///
/// Neutral: it says what the list says; ``legalCase(tag:source:)`` makes the case of it.
package struct ListEntry: Sendable, Hashable {
    package let list: ListKind
    /// The stable key: what the list keeps for the entry (order number and date, register number and inclusion
    /// date), else the normalised name and inclusion date — never a row number. The case id derives from it.
    package let key: String
    package let type: CaseType
    /// The sheet row it was read from: for messages only, never part of the key or the digest.
    package let row: Int
    /// The whole name cell, country and notes included: normalised (``OfficialName/normalized(_:)``) and without
    /// personal identifiers, otherwise as the list writes it; what ``OfficialName/matchKey(_:)`` matches.
    package let rawName: String
    package let nameRU: String?
    /// The Latin name, when the list gives one.
    package let nameEN: String?
    /// The subject's country after its name (`США`), and its ISO code when known; the case's own country is RU.
    package let country: String?
    package let countryCode: String?
    /// The Prosecutor General's decision (undesirable).
    package let decision: CalendarDate?
    /// The Ministry's inclusion order (undesirable).
    package let listed: CalendarDate?
    /// The inclusion in the register (foreign agents).
    package let designated: CalendarDate?
    package let published: CalendarDate?
    /// The exclusion.
    package let delisted: CalendarDate?
    /// The Prosecutor General's cancellation of the decision (undesirable).
    package let cancelled: CalendarDate?
    /// The inclusion order's number (`1076-р`).
    package let document: String?
    /// The exclusion order's number.
    package let delistingDocument: String?
    /// The legal basis as the list writes it, and the register's category it gives (``LegalBasis``).
    package let legalBasis: String?
    package let category: String?
    package let subjectKind: SubjectKind
    /// Addresses and domains as the list gives them.
    package let websites: [String]
    /// Whether the list's own status column says the entry is excluded.
    package let excluded: Bool
    package let otherSteps: [ListDate]
    /// SHA-256 (hex) of ``canonicalRow``: equal digests, the same facts.
    package private(set) var rowDigest: String

    package init(
        list: ListKind, key: String, type: CaseType, row: Int, rawName: String, nameRU: String? = nil,
        nameEN: String? = nil, country: String? = nil, countryCode: String? = nil, decision: CalendarDate? = nil,
        listed: CalendarDate? = nil, designated: CalendarDate? = nil, published: CalendarDate? = nil,
        delisted: CalendarDate? = nil, cancelled: CalendarDate? = nil, document: String? = nil,
        delistingDocument: String? = nil, legalBasis: String? = nil, category: String? = nil,
        subjectKind: SubjectKind = .organisation, websites: [String] = [], excluded: Bool = false,
        otherSteps: [ListDate] = []
    ) {
        self.list = list
        self.key = key
        self.type = type
        self.row = row
        self.rawName = rawName
        self.nameRU = nameRU
        self.nameEN = nameEN
        self.country = country
        self.countryCode = countryCode
        self.decision = decision
        self.listed = listed
        self.designated = designated
        self.published = published
        self.delisted = delisted
        self.cancelled = cancelled
        self.document = document
        self.delistingDocument = delistingDocument
        self.legalBasis = legalBasis
        self.category = category
        self.subjectKind = subjectKind
        self.websites = websites
        self.excluded = excluded
        self.otherSteps = otherSteps
        rowDigest = ""
        rowDigest = RowDigest.sha256Hex(canonicalRow)
    }

    /// The entry's claim name for a hand-kept case's `imports:` (`minjust-undesirable:138-р/2023-02-07`).
    package var claim: String { "\(list.importName):\(key)" }

    /// The facts CaseWatch keeps, one `field<TAB>value` line each in a fixed order, absent values empty: what
    /// ``rowDigest`` is taken of. Values are normalised (``OfficialName/normalized(_:)``), so a list rebuilt with
    /// other invisible characters or another row order gives the same digests.
    package var canonicalRow: String {
        let fields: [(String, String?)] = [
            ("format", "casewatch-list-row-1"), ("list", list.tag), ("key", key), ("type", type.rawValue),
            ("name", OfficialName.normalized(rawName)), ("decision", decision?.description),
            ("listed", listed?.description), ("designated", designated?.description),
            ("published", published?.description), ("delisted", delisted?.description),
            ("cancelled", cancelled?.description), ("document", document), ("delisting_document", delistingDocument),
            ("legal_basis", legalBasis.map(OfficialName.normalized)), ("category", category),
            ("kind", subjectKind.rawValue), ("websites", websites.joined(separator: " ")),
            ("excluded", excluded ? "yes" : "no"),
            ("other_steps", otherSteps.map { "\($0.status.rawValue)=\($0.date)" }.joined(separator: " ")),
        ]
        return fields.map { "\($0.0)\t\($0.1 ?? "")" }.joined(separator: "\n")
    }
}

/// What a parser made of a list: its entries, what was wrong with its rows, and the date it is current as of.
package struct ListParse: Sendable {
    package var entries: [ListEntry] = []
    /// Row problems, each with its row (`line`) and column (`field`); the entries hold the rows that were usable.
    package var problems: [InputProblem] = []
    /// The date the list says it is current as of (the undesirable XLSX's A2), and its time (`HH:MM`, Moscow time).
    package var asOf: CalendarDate?
    package var asOfTime: String?

    package init() {}
}
