import Foundation

extension OfficialName {
    /// The parts of a name as the Ministry writes it: `Международная неправительственная организация «Фонд Открытое
    /// Общество» (Open Society Foundations) (США)`.
    package struct Parts: Sendable, Hashable {
        /// The Ministry's own name: the Cyrillic part, else the leading part as written (`Article 19` is its name in
        /// Russian too). Nil only for an empty name.
        package var ru: String?
        /// The Latin name, when the list gives one: in parentheses, else its leading part when that is Latin; never
        /// made up.
        package var en: String?
        /// The country after the name, as written (`Федеративная Республика Германия`); not part of either name.
        package var country: String?
        /// Its ISO 3166-1 code, when ``OfficialCountries`` knows it.
        package var countryCode: String?
    }

    /// Takes a list's name apart: the Russian and the Latin names, and the country in trailing parentheses or after
    /// a last comma. Renaming notes («(ранее — …)», «(прежнее наименование …)») are dropped; quotes around a whole
    /// name are taken off (quotes inside a name stay). The text is ``normalized(_:)`` first.
    package static func split(_ raw: String) -> Parts {
        var (head, groups) = topLevel(normalized(raw))
        groups.removeAll(where: isRenamingNote)
        head = dropRenamingNote(head)
        var parts = Parts()
        if let last = groups.last, let code = countryCode(of: last) {
            parts.country = cleaned(last)
            parts.countryCode = code.isEmpty ? nil : code
            groups.removeLast()
        } else if groups.isEmpty, let comma = lastTopLevelComma(in: head) {
            let tail = ListText.trimmed(head[head.index(after: comma)...], where: ListText.isWhitespace)
            if let code = countryCode(of: tail) {
                parts.country = tail
                parts.countryCode = code.isEmpty ? nil : code
                head = String(head[..<comma])
            }
        }
        let names = ([head] + groups).map(cleaned).filter { !$0.isEmpty }
        guard let first = names.first else { return parts }
        parts.ru = names.first(where: isMostlyCyrillic) ?? first
        // The Latin name in parentheses (a full one before an abbreviation), else a Latin leading part.
        let latin = groups.map(cleaned).filter { !$0.isEmpty && !isMostlyCyrillic($0) && hasLetters($0) }
        let leading = cleaned(head)
        parts.en = latin.first(where: { $0.contains(" ") }) ?? latin.first
            ?? (!leading.isEmpty && !isMostlyCyrillic(leading) && hasLetters(leading) ? leading : nil)
        return parts
    }

    /// The text before the first parenthesis outside quotes, and the contents of each parenthesised group at the top
    /// level (nested parentheses stay inside their group). Text between or after groups (`…), США`) is a group of
    /// its own, trimmed of commas.
    static func topLevel(_ text: String) -> (head: String, groups: [String]) {
        var head = "", groups: [String] = [], current = "", between = ""
        var depth = 0, inGuillemets = 0, inQuotes = false
        func flushBetween() {
            let text = cleaned(between)
            if !text.isEmpty { groups.append(text) }
            between = ""
        }
        for character in text {
            // Compared by scalar: a Character equal to one of these is that one scalar (none has a canonical
            // equivalent), and String's Character comparison is slow for Cyrillic.
            let scalars = character.unicodeScalars
            let single = scalars.index(after: scalars.startIndex) == scalars.endIndex ? scalars.first?.value : nil
            switch single {
            case 0xAB: inGuillemets += 1  // «
            case 0xBB: inGuillemets = max(0, inGuillemets - 1)  // »
            case 0x22: inQuotes.toggle()  // "
            default: break
            }
            if single == 0x28, depth > 0 || (inGuillemets == 0 && !inQuotes) {  // (
                depth += 1
                if depth == 1 {
                    flushBetween()
                    continue
                }
            } else if single == 0x29, depth > 0 {  // )
                depth -= 1
                if depth == 0 {
                    groups.append(ListText.trimmed(current, where: ListText.isWhitespace))
                    current = ""
                    continue
                }
            }
            if depth > 0 {
                current.append(character)
            } else if groups.isEmpty {
                head.append(character)
            } else {
                between.append(character)
            }
        }
        if depth > 0 { groups.append(ListText.trimmed(current, where: ListText.isWhitespace)) }
        flushBetween()
        return (ListText.trimmed(head, where: ListText.isWhitespace), groups)
    }

    private static let notePrefixes = ["ранее", "прежнее наименование", "прежнее название", "бывш", "до переименования",
                                       "старое наименование", "formerly", "former", "previously"]

    static func isRenamingNote(_ text: String) -> Bool {
        let key = matchKey(text)
        return notePrefixes.contains { key.hasPrefix($0) }
    }

    /// `head` without a renaming note written after a comma or dash (`…, ранее — «…»`).
    private static func dropRenamingNote(_ head: String) -> String {
        // A case-insensitive match has the word in some case: without it, Foundation's search is not run.
        guard ListText.containsCaseless(head, "ранее") || ListText.containsCaseless(head, "прежнее") else { return head }
        for prefix in ["ранее", "прежнее наименование"] {
            if let range = head.range(of: ", \(prefix)", options: .caseInsensitive)
                ?? head.range(of: " — \(prefix)", options: .caseInsensitive)
            {
                return String(head[..<range.lowerBound])
            }
        }
        return head
    }

    /// The ISO code of a country, "" for a list of countries, nil for anything else.
    private static func countryCode(of text: String) -> String? {
        if let code = OfficialCountries.code(of: text) { return code }
        return OfficialCountries.isCountryList(text) ? "" : nil
    }

    private static func lastTopLevelComma(in text: String) -> String.Index? {
        var inGuillemets = 0, inQuotes = false, found: String.Index?
        for index in text.indices {
            switch text[index] {
            case "«": inGuillemets += 1
            case "»": inGuillemets = max(0, inGuillemets - 1)
            case "\"": inQuotes.toggle()
            case "," where inGuillemets == 0 && !inQuotes: found = index
            default: break
            }
        }
        return found
    }

    /// Trimmed of spaces and trailing commas, and of quotes around the whole name (`«Transparency International»`).
    static func cleaned(_ name: String) -> String {
        var name = ListText.trimmed(name) { ListText.isWhitespace($0) || $0 == "," || $0 == ";" }
        // A Character equal to an opening quote is that one scalar (none has a canonical equivalent).
        guard let first = name.unicodeScalars.first, ["«", "\"", "“", "„"].contains(first) else { return name }
        if ListText.isPlainNormalized(name), !name.unicodeScalars.contains(where: { 0x483...0x489 ~= $0.value }) {
            // No scalar here joins another into one Character: the same test, scalar by scalar.
            var scalars = Array(name.unicodeScalars)
            let pairs: [(Unicode.Scalar, Unicode.Scalar)] = [("«", "»"), ("\"", "\""), ("“", "”"), ("„", "“")]
            for (open, close) in pairs where scalars.count >= 2 && scalars.first == open && scalars.last == close {
                let inner = scalars[1..<(scalars.count - 1)]
                if !inner.contains(open), !inner.contains(close) { scalars = Array(inner) }
            }
            return ListText.trimmed(String(String.UnicodeScalarView(scalars)), where: ListText.isWhitespace)
        }
        let pairs: [(Character, Character)] = [("«", "»"), ("\"", "\""), ("“", "”"), ("„", "“")]
        for (open, close) in pairs where name.count >= 2 && name.first == open && name.last == close {
            let inner = name.dropFirst().dropLast()
            // Only quotes around the whole name: `«A» и «B»` keeps its own.
            if !inner.contains(open), !inner.contains(close) { name = String(inner) }
        }
        return ListText.trimmed(name, where: ListText.isWhitespace)
    }

    static func isMostlyCyrillic(_ text: String) -> Bool {
        var latin = 0, cyrillic = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x400...0x52F: cyrillic += 1
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin += 1
            default: break
            }
        }
        return cyrillic > latin
    }

    private static func hasLetters(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0x400...0x481, 0x48A...0x52F: true
            case 0..<0x80: false
            default: scalar.properties.isAlphabetic
            }
        }
    }
}
