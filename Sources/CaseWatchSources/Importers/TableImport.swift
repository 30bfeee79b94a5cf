import CaseWatchModel
import InputFormats

/// How the rows of any table (CSV, XLSX or a JSON array, read by the caller into rows by header) become cases:
/// SPEC's `mapping:` of an `import: table` source.
package struct TableMapping: Sendable, Hashable {
    /// One dated column and the status of the step it dates.
    package struct Step: Sendable, Hashable {
        package var column: String
        package var status: CaseStatus

        package init(column: String, status: CaseStatus) {
            self.column = column
            self.status = status
        }
    }

    /// The case id as a template over columns: `fa-{register}-{included}`. Each `{column}` is replaced by the slug of
    /// its value (a date as `YYYY-MM-DD`); the result is made a slug. It is the entry's stable key.
    package var id: String
    /// The columns holding the Russian and the Latin name; at least one.
    package var nameRU: String?
    package var nameEN: String?
    package var type: CaseType
    package var steps: [Step]
    package var kind: SubjectKind

    package init(id: String, nameRU: String? = nil, nameEN: String? = nil, type: CaseType, steps: [Step],
                 kind: SubjectKind = .organisation) {
        self.id = id
        self.nameRU = nameRU
        self.nameEN = nameEN
        self.type = type
        self.steps = steps
        self.kind = kind
    }

    /// The columns `{…}` of ``id``, in order.
    package var idColumns: [String] {
        var columns: [String] = [], current: String?
        for character in id {
            if character == "{" { current = "" } else if character == "}", let name = current {
                columns.append(name)
                current = nil
            } else if current != nil { current!.append(character) }
        }
        return columns
    }

    /// What is wrong with the mapping itself, each naming its field (`mapping.steps[1].status`).
    package func problems(source: String) -> [InputProblem] {
        var problems: [InputProblem] = []
        func add(_ field: String, _ message: String) {
            problems.append(InputProblem(file: source, line: nil, field: "mapping.\(field)", message: message))
        }
        if idColumns.isEmpty { add("id", "«\(id)» names no column (write the stable key's columns as {column})") }
        if nameRU == nil, nameEN == nil { add("name", "needs name.ru or name.en") }
        if steps.isEmpty { add("steps", "needs at least one dated column") }
        for (index, step) in steps.enumerated() where !type.statuses.contains(step.status) {
            add("steps[\(index)].status", "\"\(step.status.rawValue)\" is not a status of a \(type.rawValue) case")
        }
        return problems
    }
}

/// Rows of a table read through a ``TableMapping``.
package enum TableImport {
    /// The entries of `rows` (each row's cells by header), `name` being the table's name (the source's id). The
    /// mapping's own problems stop everything (thrown); a row whose id column, name or a date is missing or wrong is
    /// left out with a problem naming its line (`firstLine` for the first row: 2 under a header line) and column.
    package static func entries(rows: [[String: String]], mapping: TableMapping, name: String, firstLine: Int = 2)
        throws(InputError) -> ListParse
    {
        try mapping.problems(source: name).throwIfErrors()
        var parse = ListParse()
        var firstLineOfKey: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let line = firstLine + index
            var problems: [InputProblem] = []
            func problem(_ column: String, _ message: String) {
                problems.append(InputProblem(file: name, line: line, field: column, message: message))
            }
            func text(_ column: String) -> String? { row[column].flatMap(ListCells.text) }
            var key = mapping.id
            for column in mapping.idColumns {
                guard let value = text(column) else {
                    problem(column, "is empty, and the id needs it")
                    continue
                }
                let part = ListCells.date(value).map(\.description) ?? ImportSlug.slug(value)
                key = key.replacingOccurrences(of: "{\(column)}", with: part)
            }
            let ru = mapping.nameRU.flatMap(text).map(ListCells.withoutPersonalIdentifiers)
            let en = mapping.nameEN.flatMap(text).map(ListCells.withoutPersonalIdentifiers)
            if ru == nil, en == nil { problem(mapping.nameRU ?? mapping.nameEN ?? "name", "no name") }
            var dates: [ListDate] = []
            for step in mapping.steps {
                guard let value = text(step.column) else { continue }
                guard let date = ListCells.date(value) else {
                    problem(step.column, "«\(value)» is not a date")
                    continue
                }
                dates.append(ListDate(status: step.status, date: date))
            }
            if problems.isEmpty, dates.isEmpty {
                problem(mapping.steps.map(\.column).joined(separator: ", "), "no dated step; the row is left out")
            }
            parse.problems += problems
            guard problems.isEmpty, let rawName = ru ?? en else { continue }
            key = ImportSlug.slug(key)
            if let first = firstLineOfKey[key] {
                problems.append(InputProblem(file: name, line: line, field: "id",
                                             message: "\"\(key)\" is already line \(first)'s; this row is left out"))
                parse.problems += problems
                continue
            }
            firstLineOfKey[key] = line
            func first(_ status: CaseStatus) -> CalendarDate? { dates.first { $0.status == status }?.date }
            let named: Set<CaseStatus> = [.decision, .listed, .designated, .published, .delisted]
            parse.entries.append(ListEntry(
                list: .table(name), key: key, type: mapping.type, row: line, rawName: rawName, nameRU: ru, nameEN: en,
                decision: first(.decision), listed: first(.listed), designated: first(.designated),
                published: first(.published), delisted: first(.delisted), subjectKind: mapping.kind,
                excluded: first(.delisted) != nil, otherSteps: dates.filter { !named.contains($0.status) }))
        }
        return parse
    }
}
