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
        var text = ListText.trimmed(text, where: ListText.isWhitespace)
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
        let normalized = OfficialName.normalized(text)
        var number: String
        if normalized.unicodeScalars.allSatisfy({ $0.value < 0x300 || 0x400...0x482 ~= $0.value || $0 == "№" }) {
            // No combining mark: removing the scalars is what Foundation's replacing does.
            number = String(String.UnicodeScalarView(normalized.unicodeScalars.filter { $0 != "№" && $0 != " " }))
                .lowercased()
        } else {
            number = normalized.replacingOccurrences(of: "№", with: "").replacingOccurrences(of: " ", with: "")
                .lowercased()
        }
        if let hyphen = number.lastIndex(where: { $0 == "-" || $0 == "–" || $0 == "—" }) {
            var suffix = String(number[number.index(after: hyphen)...])
            if suffix.utf8.contains(where: { $0 == UInt8(ascii: "p") || $0 == UInt8(ascii: "r") }) {
                suffix = suffix.replacingOccurrences(of: "p", with: "р").replacingOccurrences(of: "r", with: "р")
            }
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
    nonisolated(unsafe) static let identifierPatterns: [Regex<Substring>] = [
        #/(?i)\b(?:ИНН|СНИЛС|ОГРНИП)\b\s*[:№]?\s*[\d\s\-]{9,16}/#,
        #/(?i)(?:дата\s+рождения|д\.\s?р\.|г\.\s?р\.)\s*[:\-]?\s*\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.?)?/#,
        #/(?i)\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.?\s*р\.?|года\s+рождения)/#,
        #/\b\d{3}-\d{3}-\d{3}[\s\-]\d{2}\b/#,
        #/\b\d{12}\b/#,
    ]
    nonisolated(unsafe) static let emptyBrackets = #/\(\s*(?:[,;]\s*)*\)/#
    nonisolated(unsafe) static let repeatedSeparators = #/\s*[,;](?:\s*[,;])+/#

    /// `text` without the personal identifiers a list may write into a name: a tax number (ИНН, 10 or 12 digits), an
    /// insurance number (СНИЛС), a birth date (`01.02.1970 г.р.`, `дата рождения: …`), an OGRNIP. Addresses have no
    /// shape to find them by: the parsers never read an address column at all.
    static func withoutPersonalIdentifiers(_ text: String) -> String {
        // Every identifier has digits: a name without any is left as it is, apart from the normalising below.
        var text = text
        if text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) {
            // Swift's Regex costs about 100 µs a name even when nothing matches, so each pattern runs only when
            // the name has what any match of it must have (``IdentifierClues``): no match is ever skipped.
            let clues = IdentifierClues(text)
            for (pattern, possible) in zip(identifierPatterns, clues.possible) where possible {
                text = text.replacing(pattern, with: " ")
            }
        }
        // What the removal leaves behind: `(, )`, `, ,`.
        if text.utf8.contains(UInt8(ascii: "(")), IdentifierClues.mayHaveEmptyBrackets(text) {
            text = text.replacing(Self.emptyBrackets, with: " ")
        }
        if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") }),
           IdentifierClues.mayHaveRepeatedSeparators(text)
        {
            text = text.replacing(Self.repeatedSeparators, with: ",")
        }
        var normalized = OfficialName.normalized(text)
        if ListText.containsBytes(normalized, " ,") { normalized = normalized.replacingOccurrences(of: " ,", with: ",") }
        return ListText.trimmed(normalized) { $0 == " " || $0 == "," || $0 == ";" }
    }
}

/// What a match of each of ``ListCells``' identifier patterns must contain, found in one pass: a pattern whose clues
/// are missing cannot match, and is not run. (In Swift's Regex, `\d` is any `Character.isNumber`, `\s` any white
/// space; these clues only ever over-approximate them.)
struct IdentifierClues {
    /// For each of the five patterns, in order, whether it may match.
    let possible: [Bool]

    init(_ text: String) {
        // A scalar beyond ASCII that is neither a Cyrillic letter nor a number may be a combining mark inside a
        // Character that Regex reads as one digit or one dot: it is looked through, never counted as a break.
        var numbers = 0, run = 0, longestRun = 0
        var dottedPairs = 0, hyphenatedPairs = 0
        var afterNumber = false, dotAfterNumber = false, hyphenAfterNumber = false
        for scalar in text.unicodeScalars {
            let isNumber: Bool
            switch scalar.value {
            case 0x30...0x39: isNumber = true
            case 0..<0x80, 0x400...0x481, 0x48A...0x52F: isNumber = false
            default:
                guard scalar.properties.numericType != nil else { continue }  // looked through
                isNumber = true
            }
            if isNumber {
                numbers += 1
                run += 1
                longestRun = max(longestRun, run)
                if dotAfterNumber { dottedPairs += 1 }
                if hyphenAfterNumber { hyphenatedPairs += 1 }
                (afterNumber, dotAfterNumber, hyphenAfterNumber) = (true, false, false)
            } else {
                run = 0
                dotAfterNumber = afterNumber && scalar == "."
                hyphenAfterNumber = afterNumber && scalar == "-"
                afterNumber = false
            }
        }
        let keyword = ["инн", "снилс", "огрнип"].contains { ListText.containsCaseless(text, $0) }
        possible = [
            keyword,                                      // ИНН / СНИЛС / ОГРНИП and what follows
            numbers >= 6 && dottedPairs >= 2,             // «дата рождения» … D.M.YYYY
            numbers >= 6 && dottedPairs >= 2,             // D.M.YYYY «г.р.»
            numbers >= 11 && hyphenatedPairs >= 2,        // 123-456-789 01
            longestRun >= 12,                             // twelve digits
        ]
    }

    /// Whether a character may be white space as Regex's `\s` reads it: ASCII white space, or anything beyond ASCII
    /// but a Cyrillic letter (left to the pattern to decide).
    private static func maySeparate(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first else { return false }
        switch first.value {
        case 0x09...0x0D, 0x20: return true
        case 0..<0x80, 0x400...0x481, 0x48A...0x52F: return false
        default: return true
        }
    }

    /// Whether `(` is followed, after nothing but white space, commas and semicolons, by `)`.
    static func mayHaveEmptyBrackets(_ text: String) -> Bool {
        var open = false
        for character in text {
            if character == ")" {
                if open { return true }
            } else if character == "(" {
                open = true
            } else if open, character != ",", character != ";", !maySeparate(character) {
                open = false
            }
        }
        return false
    }

    /// Whether a comma or semicolon is followed, after nothing but white space, by another.
    static func mayHaveRepeatedSeparators(_ text: String) -> Bool {
        var afterSeparator = false
        for character in text {
            if character == "," || character == ";" {
                if afterSeparator { return true }
                afterSeparator = true
            } else if !maySeparate(character) {
                afterSeparator = false
            }
        }
        return false
    }
}
