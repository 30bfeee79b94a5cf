import CaseWatchModel
import Foundation

/// Reading the cells of official lists: dates in the forms the lists and their readers give them, order numbers,
/// and the personal identifiers that must never be kept.
enum ListCells {
    /// A cell's text, normalised (``OfficialName/normalized(_:)``); nil when empty or only a dash.
    static func text(_ cell: String?) -> String? {
        guard let cell else { return nil }
        let text = OfficialName.normalized(cell)
        return text.isEmpty || ["-", "—", "–"].contains(text) ? nil : text
    }

    /// A date as the lists give it: `DD.MM.YYYY` (a trailing `г.` allowed), `YYYY-MM-DD`, an ISO date-time (an
    /// instant with `Z` or an offset is taken on Moscow's calendar; one without, on its own date), or — where
    /// `numbers` allows — a spreadsheet serial day (XLSX) or an epoch time in seconds or milliseconds (JSON).
    static func date(_ text: String, numbers: NumericDates = .none) -> CalendarDate? {
        var text = text.trimmingCharacters(in: .whitespaces)
        for suffix in [" года", " г.", "г.", " г"] where text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        let dotted = text.split(separator: ".", omittingEmptySubsequences: false)
        if dotted.count == 3, (1...2).contains(dotted[0].count), (1...2).contains(dotted[1].count), dotted[2].count == 4,
           let day = Int(dotted[0]), let month = Int(dotted[1]), let year = Int(dotted[2])
        {
            return CalendarDate(year: year, month: month, day: day)
        }
        if text.utf8.count == 10 { return CalendarDate(text).flatMap { $0.isComplete ? $0 : nil } }
        if text.utf8.count > 10, let separator = text.dropFirst(10).first, separator == "T" || separator == " " {
            let day = String(text.prefix(10))
            let rest = text.dropFirst(11)
            if rest.hasSuffix("Z") || rest.contains("+") || rest.dropFirst(2).contains("-"),
               let instant = instant(of: text)
            {
                return CalendarDate(instant, in: moscow)
            }
            return CalendarDate(day).flatMap { $0.isComplete ? $0 : nil }
        }
        guard numbers != .none, !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) || $0 == 46 }),
              let value = Double(text)
        else { return nil }
        switch numbers {
        case .none: return nil
        case .spreadsheetSerial:
            // Days since 1899-12-30 (Excel's and LibreOffice's epoch for dates after 1 March 1900).
            guard (20_000...80_000).contains(value) else { return nil }
            return CalendarDate(Date(timeIntervalSince1970: (value.rounded(.down) - 25_569) * 86_400), in: utc)
        case .epoch:
            // Milliseconds or seconds since 1970; a small number (a register number in the wrong field) is no date.
            let seconds = value >= 100_000_000_000 ? value / 1000 : value
            guard (100_000_000...4_102_444_800).contains(seconds) else { return nil }
            return CalendarDate(Date(timeIntervalSince1970: seconds), in: moscow)
        }
    }

    /// Which bare numbers a date cell may hold.
    enum NumericDates { case none, spreadsheetSerial, epoch }

    static let moscow = TimeZone(identifier: "Europe/Moscow") ?? TimeZone(secondsFromGMT: 3 * 3600)!
    private static let utc = TimeZone(secondsFromGMT: 0)!

    private static func instant(of text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// An order number as the Ministry writes it (`1076-р`): `№` and spaces taken off, and a Latin `p` or `r` after
    /// the hyphen read as the Cyrillic «р» it stands for, so one order always has one spelling.
    static func orderNumber(_ text: String) -> String? {
        var number = OfficialName.normalized(text).replacingOccurrences(of: "№", with: "")
            .replacingOccurrences(of: " ", with: "").lowercased()
        if let hyphen = number.lastIndex(where: { $0 == "-" || $0 == "–" || $0 == "—" }) {
            let suffix = number[number.index(after: hyphen)...]
                .replacingOccurrences(of: "p", with: "р").replacingOccurrences(of: "r", with: "р")
            number = number[..<hyphen] + "-" + suffix
        }
        return number.isEmpty ? nil : number
    }

    /// The date and the order number in one cell (`12.03.2025 № 301-р`, `№ 301-р от 12.03.2025`).
    static func dateAndNumber(_ text: String, numbers: NumericDates = .none) -> (date: CalendarDate?, number: String?) {
        var date: CalendarDate?, number: String?
        let words = OfficialName.normalized(text).replacingOccurrences(of: "№", with: " № ").split(separator: " ")
        for (index, word) in words.enumerated() {
            let word = String(word).trimmingCharacters(in: CharacterSet(charactersIn: ",;()"))
            if date == nil, let parsed = self.date(word, numbers: numbers) {
                date = parsed
            } else if number == nil, word.first?.isNumber == true, word.contains(where: { $0 == "-" || $0 == "–" }) {
                number = orderNumber(word)
            } else if number == nil, word == "№", index + 1 < words.count {
                number = orderNumber(String(words[index + 1]))
            }
        }
        return (date, number)
    }

    /// The shapes of the identifiers, compiled once (immutable after initialisation, so safe to share).
    nonisolated(unsafe) private static let identifierPatterns: [Regex<Substring>] = [
        #/(?i)\b(?:ИНН|СНИЛС|ОГРНИП)\b\s*[:№]?\s*[\d\s\-]{9,16}/#,
        #/(?i)(?:дата\s+рождения|д\.\s?р\.|г\.\s?р\.)\s*[:\-]?\s*\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.?)?/#,
        #/(?i)\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.?\s*р\.?|года\s+рождения)/#,
        #/\b\d{3}-\d{3}-\d{3}[\s\-]\d{2}\b/#,
        #/\b\d{12}\b/#,
    ]
    nonisolated(unsafe) private static let emptyBrackets = #/\(\s*(?:[,;]\s*)*\)/#
    nonisolated(unsafe) private static let repeatedSeparators = #/\s*[,;](?:\s*[,;])+/#

    /// `text` without the personal identifiers a list may write into a name: a tax number (ИНН, 10 or 12 digits), an
    /// insurance number (СНИЛС), a birth date (`01.02.1970 г.р.`, `дата рождения: …`), an OGRNIP. Addresses have no
    /// shape to find them by: the parsers never read an address column at all.
    static func withoutPersonalIdentifiers(_ text: String) -> String {
        // Every identifier has digits: a name without any is left as it is, apart from the normalising below.
        var text = text
        if text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) {
            for pattern in identifierPatterns { text = text.replacing(pattern, with: " ") }
        }
        // What the removal leaves behind: `(, )`, `, ,`.
        if text.contains("(") { text = text.replacing(Self.emptyBrackets, with: " ") }
        if text.contains(",") || text.contains(";") { text = text.replacing(Self.repeatedSeparators, with: ",") }
        return OfficialName.normalized(text).replacingOccurrences(of: " ,", with: ",")
            .trimmingCharacters(in: CharacterSet(charactersIn: " ,;"))
    }
}
