import Foundation

/// A worksheet part (`xl/worksheets/sheetN.xml`): its rows, each cell placed by its reference's column letters.
final class XLSXSheetPart: XLSXXMLHandler {
    private let part: String
    private let sharedStrings: [String]
    private let formats: XLSXCellFormats
    private var rows: [XLSXRow] = []

    private var inRow = false
    private var rowNumber = 0
    private var cells: [String?] = []
    private var column = -1
    private var cellType: String?
    private var cellStyle = 0
    private var value: String?
    private var inlineText: String?

    private init(part: String, sharedStrings: [String], formats: XLSXCellFormats) {
        self.part = part
        self.sharedStrings = sharedStrings
        self.formats = formats
    }

    static func parse(_ data: Data, part: String, sharedStrings: [String],
                      formats: XLSXCellFormats) throws(XLSXError) -> [XLSXRow] {
        let handler = XLSXSheetPart(part: part, sharedStrings: sharedStrings, formats: formats)
        try XLSXXMLReader.read(data, part: part, into: handler)
        return handler.rows
    }

    func start(_ element: String, _ attributes: [String: String], path: [String], line: Int) throws(XLSXError) {
        switch element {
        case "row" where path.dropLast().last == "sheetData":
            if let r = attributes["r"] {
                guard let number = Int(r), number > 0 else {
                    throw .malformedXML(part: part, line: line, detail: "row number «\(r)» is not a whole number from 1")
                }
                rowNumber = number
            } else {
                rowNumber += 1
            }
            inRow = true
            cells = []
            column = -1
        case "c" where inRow:
            if let reference = attributes["r"] {
                guard let index = XLSXCellFormats.columnIndex(reference) else {
                    throw .malformedXML(part: part, line: line,
                                        detail: "cell reference «\(reference)» is not a column and row such as AB12")
                }
                column = index
            } else {
                column += 1
            }
            guard column < XLSXCellFormats.maximumColumns else {
                throw .malformedXML(part: part, line: line, detail: "a cell beyond the last column, XFD")
            }
            cellType = attributes["t"]
            cellStyle = attributes["s"].flatMap { Int($0) } ?? 0
            value = nil
            inlineText = nil
        case "v" where inRow:
            value = ""
        case "is" where inRow:
            inlineText = ""
        default:
            break
        }
    }

    func text(_ text: String, path: [String]) {
        guard inRow else { return }
        if path.last == "v", path.dropLast().last == "c" {
            value? += text
        } else if XLSXSharedStrings.isStringText(path, item: "is") {
            inlineText? += text
        }
    }

    func end(_ element: String, path: [String], line: Int) throws(XLSXError) {
        switch element {
        case "c" where inRow:
            guard let text = try cellText(line: line) else { return }
            if cells.count <= column { cells += Array(repeating: nil, count: column + 1 - cells.count) }
            cells[column] = text
        case "row" where inRow:
            while cells.last == .some(nil) { cells.removeLast() }
            if !cells.isEmpty { rows.append(XLSXRow(number: rowNumber, cells: cells)) }
            inRow = false
        default:
            break
        }
    }

    /// The cell just read as text, or nil when it has no value.
    private func cellText(line: Int) throws(XLSXError) -> String? {
        let trimmed = value.map { ListText.trimmed($0, where: ListText.isWhitespaceOrNewline) }
        switch cellType {
        case "s":
            guard let trimmed else { return nil }
            guard let index = Int(trimmed), sharedStrings.indices.contains(index) else {
                throw .malformedXML(part: part, line: line,
                                    detail: "shared string «\(trimmed)» does not exist (the workbook has \(sharedStrings.count))")
            }
            return sharedStrings[index]
        case "inlineStr":
            return inlineText ?? value
        case "b":
            return trimmed.map { $0 == "1" ? "TRUE" : $0 == "0" ? "FALSE" : $0 }
        case "str", "e", "d":
            return value
        default:
            guard let trimmed, !trimmed.isEmpty else { return nil }
            if formats.isDate(style: cellStyle), let serial = Double(trimmed), let date = formats.isoDate(serial: serial) {
                return date
            }
            return trimmed
        }
    }
}

/// Which cell formats show dates, and how a date's serial number reads as ISO 8601 text.
struct XLSXCellFormats: Sendable {
    /// Columns A to XFD.
    static let maximumColumns = 16_384

    private let dateStyles: [Bool]
    private let date1904: Bool

    init(styles: XLSXStyles, date1904: Bool) {
        dateStyles = styles.cellFormatIDs.map { Self.isDateFormat(id: $0, code: styles.formatCodes[$0]) }
        self.date1904 = date1904
    }

    func isDate(style: Int) -> Bool {
        dateStyles.indices.contains(style) && dateStyles[style]
    }

    /// A custom format by its code; otherwise the built-in date and time formats 14–22 and 45–47.
    static func isDateFormat(id: Int, code: String?) -> Bool {
        guard let code else { return (14...22).contains(id) || (45...47).contains(id) }
        return isDateFormatCode(code)
    }

    /// Whether a format code's first section shows a date or a time: d, m, y, h or s outside quoted text,
    /// escaped or padding characters and brackets (colours, locales, conditions), or an elapsed `[h]`, `[mm]`, `[ss]`.
    static func isDateFormatCode(_ code: String) -> Bool {
        let characters = Array(code.lowercased())
        var kept = ""
        var index = 0
        scan: while index < characters.count {
            switch characters[index] {
            case "\"":
                index = (characters[(index + 1)...].firstIndex(of: "\"") ?? characters.count) + 1
                continue scan
            case "\\", "_", "*":
                index += 2
                continue scan
            case "[":
                let close = characters[(index + 1)...].firstIndex(of: "]") ?? characters.count
                let inside = characters[(index + 1)..<close]
                if !inside.isEmpty, inside.allSatisfy({ "hms".contains($0) }) { return true }
                index = close + 1
                continue scan
            case ";":
                break scan
            default:
                kept.append(characters[index])
            }
            index += 1
        }
        return kept.replacingOccurrences(of: "general", with: "").contains { "dmyhs".contains($0) }
    }

    /// The column of a reference such as `AB12`, from 0 for A; nil for anything but one to three letters then digits.
    static func columnIndex(_ reference: String) -> Int? {
        var column = 0, letters = 0, digits = 0
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "a")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                digits += 1
            default:
                return nil
            }
            if letters > 3 { return nil }
        }
        return digits > 0 ? column - 1 : nil
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` when there is a time of day, to the nearest second. In the 1900 system
    /// serial 1 is 1900-01-01 and, since Excel counts a 1900-02-29, serials from 60 on are one day late; in the
    /// 1904 system serial 0 is 1904-01-01. Nil for a negative serial or one past 9999-12-31.
    func isoDate(serial: Double) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        let seconds = Int((serial * 86_400).rounded())
        let days = seconds / 86_400, time = seconds % 86_400
        let zero = date1904 ? Self.days(1904, 1, 1) : days < 60 ? Self.days(1899, 12, 31) : Self.days(1899, 12, 30)
        let (year, month, day) = Self.civil(zero + days)
        var text = "\(Self.pad(year, 4))-\(Self.pad(month))-\(Self.pad(day))"
        if time != 0 {
            text += "T\(Self.pad(time / 3600)):\(Self.pad(time / 60 % 60)):\(Self.pad(time % 60))"
        }
        return text
    }

    private static func pad(_ number: Int, _ width: Int = 2) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    private static func days(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01.
    private static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
