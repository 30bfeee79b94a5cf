import CaseWatchModel
import Foundation
import InputFormats

extension MinjustUndesirable {
    /// The columns of the list's sheet that CaseWatch reads, each found by its header in row 3 (DOMAIN §6).
    ///
    /// A header is read as the first column kind (in ``allCases`` order, most specific first) whose words it has; so
    /// «Дата отмены решения Генерального прокурора» is the cancellation, not the decision. Every kind must be found
    /// exactly once: a renamed, removed or doubled column stops the import with a message naming it, rather than
    /// letting a column be read as another.
    enum Column: CaseIterable {
        case status, cancellation, exclusion, name, published, rowNumber, decision, orderNumber, inclusionDate

        /// Where the column stands in the list as DOMAIN §6 describes it.
        var usualLetter: String {
            switch self {
            case .rowNumber: "A"
            case .inclusionDate: "B"
            case .orderNumber: "C"
            case .decision: "D"
            case .name: "E"
            case .published: "F"
            case .exclusion: "G"
            case .cancellation: "H"
            case .status: "I"
            }
        }

        var meaning: String {
            switch self {
            case .rowNumber: "the row number (№ п/п)"
            case .inclusionDate: "the date of the Ministry's inclusion order"
            case .orderNumber: "the inclusion order's number"
            case .decision: "the date of the Prosecutor General's decision"
            case .name: "the organisation's name"
            case .published: "the date made public"
            case .exclusion: "the date and number of the exclusion order"
            case .cancellation: "the date of the decision's cancellation"
            case .status: "the status (Включена / Исключена)"
            }
        }

        /// Whether `header` (lower-cased, «ё» as «е») names this column.
        func matches(_ header: String) -> Bool {
            func any(_ words: [String]) -> Bool { words.contains { header.contains($0) } }
            switch self {
            case .status: return any(["статус"]) || header.hasPrefix("состояние")
            case .cancellation: return any(["отмен"])
            case .exclusion: return any(["исключ"])
            case .name: return any(["наименовани", "название"])
            case .published: return any(["опублик", "обнародов", "размещ", "публикац"])
            case .rowNumber: return any(["п/п", "п.п"]) || header == "№" || header == "n"
            case .decision: return any(["генеральн", "прокурор", "решени"])
            case .orderNumber: return any(["номер"]) || header.hasPrefix("№")
            case .inclusionDate: return any(["дат"])
            }
        }
    }

    /// The letter of a 0-based column index (`0` → `A`, `26` → `AA`).
    static func letter(_ index: Int) -> String {
        var index = index, letters = ""
        repeat {
            letters = String(UnicodeScalar(UInt8(65 + index % 26))) + letters
            index = index / 26 - 1
        } while index >= 0
        return letters
    }

    /// Where each column is in the header row `cells` (sheet row `row`); throws naming every column not found or
    /// found twice. A header that is none of them is a warning in `problems`.
    static func columns(_ cells: [String?], row: Int, source: String, problems: inout [InputProblem])
        throws(InputError) -> [Column: Int]
    {
        var found: [Column: [Int]] = [:]
        for (index, cell) in cells.enumerated() {
            guard let text = ListCells.text(cell) else { continue }
            let header = text.lowercased().replacingOccurrences(of: "ё", with: "е")
            if let column = Column.allCases.first(where: { $0.matches(header) }) {
                found[column, default: []].append(index)
            } else {
                problems.append(InputProblem(
                    file: source, line: row, field: letter(index),
                    message: "header «\(text)» is not a column CaseWatch knows; it is not read", severity: .warning))
            }
        }
        var errors: [InputProblem] = []
        for column in Column.allCases.sorted(by: { $0.usualLetter < $1.usualLetter }) {
            let indices = found[column] ?? []
            if indices.isEmpty {
                let usual = Int(column.usualLetter.unicodeScalars.first!.value) - 65
                let there = usual < cells.count ? ListCells.text(cells[usual]).map { "«\($0)»" } ?? "nothing" : "nothing"
                errors.append(InputProblem(
                    file: source, line: row, field: column.usualLetter,
                    message: "no header names \(column.meaning) (found \(there) in this column); "
                        + "the list's layout has changed, nothing is read"))
            } else if indices.count > 1 {
                errors.append(InputProblem(
                    file: source, line: row, field: indices.map(letter).joined(separator: ", "),
                    message: "these columns all read as \(column.meaning); the list's layout has changed, nothing is read"))
            }
        }
        if !errors.isEmpty { throw InputError(problems + errors) }
        return found.mapValues { $0[0] }
    }

    /// The date and time in A2's «По состоянию на DD.MM.YYYY HH:MM».
    static func asOf(_ text: String) -> (date: CalendarDate, time: String?)? {
        let lowered = OfficialName.normalized(text).lowercased()
        guard let marker = lowered.range(of: "по состоянию на") else { return nil }
        let words = lowered[marker.upperBound...].split(separator: " ").map(String.init)
        guard let first = words.first, let date = ListCells.date(first, numbers: .spreadsheetSerial) else { return nil }
        let time = words.dropFirst().first.flatMap { word -> String? in
            let parts = word.split(separator: ":")
            guard parts.count >= 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
                  (0..<60).contains(minute)
            else { return nil }
            return String(format: "%02d:%02d", hour, minute)
        }
        return (date, time)
    }
}
