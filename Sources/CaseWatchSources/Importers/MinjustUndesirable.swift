import CaseWatchModel
import InputFormats

/// The Ministry of Justice's list of undesirable organisations, from its XLSX sheet's rows (DOMAIN §6): A1 a title,
/// A2 «По состоянию на DD.MM.YYYY HH:MM», row 3 the headers, data from row 4.
///
/// Pure: the caller reads the workbook into rows of text cells (index 0 is column A; a missing cell is nil; dates
/// as `DD.MM.YYYY`, ISO, or a spreadsheet serial day). The stable key is the inclusion order's number and date
/// (`1076-р/2024-05-13`), so re-ordered or renumbered rows keep their ids.
package enum MinjustUndesirable {
    /// The entries of the sheet `rows` (`rows[0]` is row 1).
    ///
    /// Throws when the layout is not the one known (no as-of date in A2, a header renamed, removed or doubled),
    /// naming the cell or column: nothing is read then, so a changed layout never reads as an emptied list. Row
    /// problems come back with the entries: a row with an error is left out (the caller should then fail the
    /// source, since its case would look removed), a row with a warning is kept.
    package static func entries(rows: [[String?]], source: String = "minjust-undesirable") throws(InputError)
        -> ListParse
    {
        var parse = ListParse()
        let a2 = rows.count > 1 ? rows[1].first.flatMap(ListCells.text) : nil
        guard let a2, let asOf = asOf(a2) else {
            throw InputError([InputProblem(
                file: source, line: 2, field: "A",
                message: "expected «По состоянию на DD.MM.YYYY HH:MM», found \(a2.map { "«\($0)»" } ?? "nothing"); "
                    + "the list's layout has changed, nothing is read")])
        }
        (parse.asOf, parse.asOfTime) = (asOf.date, asOf.time)
        guard rows.count > 2 else {
            throw InputError([InputProblem(file: source, line: 3, field: nil, message: "no header row; nothing is read")])
        }
        let columns = try columns(rows[2], row: 3, source: source, problems: &parse.problems)
        // Rows are read on every core (each row stands alone); the order numbers are then checked in row order.
        let rows = Array(rows.enumerated().dropFirst(3))
        let read = Parallel.map(rows) { index, cells -> RowReader? in
            guard cells.contains(where: { ListCells.text($0) != nil }) else { return nil }
            var reader = RowReader(cells: cells, columns: columns, row: index + 1, source: source)
            reader.read()
            return reader
        }
        var firstRowOfKey: [String: Int] = [:]
        for reader in read {
            guard let reader else { continue }
            parse.problems += reader.problems
            guard let entry = reader.entry, reader.errors == 0 else { continue }
            if let first = firstRowOfKey[entry.key] {
                parse.problems.append(InputProblem(
                    file: source, line: reader.row, field: Column.orderNumber.usualLetter,
                    message: "order \(entry.key) is already row \(first)'s; this row is left out"))
                continue
            }
            firstRowOfKey[entry.key] = reader.row
            parse.entries.append(entry)
        }
        return parse
    }

    /// Reads one data row, collecting its problems.
    private struct RowReader {
        let cells: [String?]
        let columns: [Column: Int]
        let row: Int
        let source: String
        var problems: [InputProblem] = []
        var errors = 0
        /// The row's entry, once read.
        var entry: ListEntry?

        func text(_ column: Column) -> String? {
            columns[column].flatMap { $0 < cells.count ? ListCells.text(cells[$0]) : nil }
        }

        mutating func problem(_ column: Column, _ message: String, warning: Bool = false) {
            let field = columns[column].map(MinjustUndesirable.letter) ?? column.usualLetter
            problems.append(InputProblem(file: source, line: row, field: field, message: message,
                                         severity: warning ? .warning : .error))
            if !warning { errors += 1 }
        }

        mutating func date(_ column: Column, required: Bool = false) -> CalendarDate? {
            guard let text = text(column) else {
                if required { problem(column, "\(column.meaning) is missing; the row cannot be keyed") }
                return nil
            }
            guard let date = ListCells.date(text, numbers: .spreadsheetSerial) else {
                problem(column, "«\(text)» is not a date (expected DD.MM.YYYY) for \(column.meaning)")
                return nil
            }
            return date
        }

        mutating func read() {
            entry = readEntry()
        }

        mutating func readEntry() -> ListEntry? {
            let rawName = text(.name).map(ListCells.withoutPersonalIdentifiers)
            if rawName == nil { problem(.name, "the organisation's name is missing") }
            let listed = date(.inclusionDate, required: true)
            let number = text(.orderNumber).flatMap(ListCells.orderNumber)
            if number == nil { problem(.orderNumber, "the inclusion order's number is missing; the row cannot be keyed") }
            let decision = date(.decision)
            let published = date(.published)
            let cancelled = date(.cancellation)
            var delisted: CalendarDate?, delistingDocument: String?
            if let exclusion = text(.exclusion) {
                (delisted, delistingDocument) = ListCells.dateAndNumber(exclusion, numbers: .spreadsheetSerial)
                if delisted == nil { problem(.exclusion, "«\(exclusion)» has no date (expected «DD.MM.YYYY № N-р»)") }
            }
            let status = text(.status)?.lowercased()
            let excluded = status?.hasPrefix("исключ") ?? false
            if let status, !excluded, !status.hasPrefix("включ") {
                problem(.status, "«\(status)» is neither «Включена» nor «Исключена»", warning: true)
            }
            if excluded, delisted == nil, cancelled == nil {
                problem(.exclusion, "the status says excluded but there is no exclusion date; no delisted step is made",
                        warning: true)
            }
            if let listed, let delisted, delisted < listed {
                problem(.exclusion, "the exclusion (\(delisted)) is earlier than the inclusion (\(listed))", warning: true)
            }
            guard let rawName, let listed, let number else { return nil }
            let parts = OfficialName.split(rawName)
            return ListEntry(
                list: .minjustUndesirable, key: "\(number)/\(listed)", type: .undesirable, row: row, rawName: rawName,
                nameRU: parts.ru, nameEN: parts.en, country: parts.country, countryCode: parts.countryCode,
                decision: decision, listed: listed, published: published, delisted: delisted, cancelled: cancelled,
                document: number, delistingDocument: delistingDocument, subjectKind: .organisation, excluded: excluded)
        }
    }
}
