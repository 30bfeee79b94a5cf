import CaseWatchModel
import InputFormats

extension MinjustForeignAgents {
    /// The columns of a community mirror's CSV that CaseWatch reads, found by their headers; every other column
    /// (№ п/п, and whatever personal data a mirror republishes) is never read.
    enum MirrorColumn: CaseIterable {
        case name, legalBasis, included, excluded, websites, kind

        /// The header DOMAIN §6 gives, for messages.
        var header: String {
            switch self {
            case .name: "Полное наименование/ФИО"
            case .legalBasis: "Основания включения"
            case .included: "Дата принятия решения о включении"
            case .excluded: "Дата принятия решения об исключении"
            case .websites: "Информационный ресурс"
            case .kind: "Вид"
            }
        }

        var isRequired: Bool { self != .websites && self != .kind }

        /// Whether `header` (lower-cased, «ё» as «е») names this column.
        func matches(_ header: String) -> Bool {
            switch self {
            case .excluded: header.contains("исключ")
            case .included: header.contains("включ") && !header.contains("исключ")
            case .legalBasis: header.contains("основани")
            case .name: header.contains("наименовани") || header.contains("фио")
            case .websites: header.contains("ресурс") || header.contains("сайт") || header.contains("домен")
            case .kind: header.hasPrefix("вид") || header.hasPrefix("тип")
            }
        }
    }

    /// The entries of a mirror's CSV, `rows[0]` its header row. Its row numbers are not stable, so the key is the
    /// name's ``OfficialName/matchKey(_:)`` (renaming notes dropped) and the inclusion date: the same entity gets
    /// the same case id from two files that number it differently. A problem's `line` is the CSV line (the header is
    /// line 1), its `field` the column's header.
    ///
    /// Throws when a column it needs is missing or doubled, naming it: nothing is read then.
    package static func entries(mirrorCSV rows: [[String]], source: String = "minjust-foreign-agents")
        throws(InputError) -> ListParse
    {
        var parse = ListParse()
        let header = rows.first ?? []
        var columns: [MirrorColumn: Int] = [:], errors: [InputProblem] = []
        for column in MirrorColumn.allCases {
            let indices = header.indices.filter { index in
                let text = OfficialName.normalized(header[index]).lowercased().replacingOccurrences(of: "ё", with: "е")
                return MirrorColumn.allCases.first(where: { $0.matches(text) }) == column
            }
            if indices.count == 1 {
                columns[column] = indices[0]
            } else if indices.count > 1 || column.isRequired {
                let what = indices.isEmpty ? "no column" : "\(indices.count) columns"
                errors.append(InputProblem(file: source, line: 1, field: column.header,
                                           message: "\(what) with this header; the mirror's layout has changed, nothing is read"))
            }
        }
        if !errors.isEmpty { throw InputError(errors) }
        var firstLineOfKey: [String: Int] = [:]
        for (index, cells) in rows.enumerated().dropFirst() {
            let line = index + 1
            func text(_ column: MirrorColumn) -> String? {
                columns[column].flatMap { $0 < cells.count ? ListCells.text(cells[$0]) : nil }
            }
            guard cells.contains(where: { ListCells.text($0) != nil }) else { continue }
            var problems: [InputProblem] = []
            func date(_ column: MirrorColumn, required: Bool) -> CalendarDate? {
                guard let text = text(column) else {
                    if required { problems.append(InputProblem(file: source, line: line, field: column.header,
                                                               message: "missing; the row cannot be keyed")) }
                    return nil
                }
                guard let date = ListCells.date(text) else {
                    problems.append(InputProblem(file: source, line: line, field: column.header,
                                                 message: "«\(text)» is not a date"))
                    return nil
                }
                return date
            }
            let rawName = text(.name).map(ListCells.withoutPersonalIdentifiers).flatMap { $0.isEmpty ? nil : $0 }
            if rawName == nil {
                problems.append(InputProblem(file: source, line: line, field: MirrorColumn.name.header, message: "missing"))
            }
            let included = date(.included, required: true)
            let excluded = date(.excluded, required: false)
            let basisText = text(.legalBasis)
            let basis = basisText.flatMap(LegalBasis.recognise)
            parse.problems += problems
            guard problems.isEmpty, let rawName, let included else { continue }
            let parts = OfficialName.split(rawName)
            let key = "\(OfficialName.matchKey(parts.ru ?? rawName))/\(included)"
            if let first = firstLineOfKey[key] {
                parse.problems.append(InputProblem(file: source, line: line, field: MirrorColumn.name.header,
                                                   message: "the same name and inclusion date as line \(first); left out"))
                continue
            }
            firstLineOfKey[key] = line
            parse.entries.append(ListEntry(
                list: .minjustForeignAgents, key: key, type: .foreignAgent, row: line, rawName: rawName,
                nameRU: parts.ru, nameEN: parts.en, country: parts.country, countryCode: parts.countryCode,
                designated: included, delisted: excluded, legalBasis: basisText, category: basis?.category,
                subjectKind: subjectKind(kind: text(.kind), name: parts.ru ?? rawName, basis: basis),
                websites: websites(text(.websites)), excluded: excluded != nil))
        }
        return parse
    }
}
