import Foundation

/// The names official lists give, made fit to show and to match.
///
/// The Ministry's lists carry what a reader never sees and a comparison trips over: private-use and zero-width
/// characters, and homoglyphs — a Cyrillic «е» inside «Transparеncy». ``normalized(_:)`` removes the invisible
/// characters, folds a word of mixed scripts into the script its other letters are in, and collapses white space;
/// ``matchKey(_:)`` reduces a name further to what two spellings of it share. ``split(_:)`` (in
/// `OfficialName+Split.swift`) takes a list's name apart into its Russian and Latin names and the country.
package enum OfficialName {
    /// `raw` in Unicode NFC, without private-use (U+E000–U+F8FF and the private planes), format (zero-width, soft
    /// hyphen, direction marks) or control characters, every mixed-script word folded into one script, and white
    /// space collapsed to single spaces.
    package static func normalized(_ raw: String) -> String {
        // Most cells are already normal (and every cell is normalised again by later steps): then it is returned as
        // it is, without Foundation's NFC or the Unicode tables.
        ListText.isPlainNormalized(raw) ? raw : generallyNormalized(raw)
    }

    /// ``normalized(_:)`` without its shortcut for text already normal (which the tests hold it to).
    static func generallyNormalized(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in raw.precomposedStringWithCanonicalMapping.unicodeScalars {
            // ASCII printable characters and Cyrillic are neither invisible nor white space nor controls.
            let plain = 0x21...0x7E ~= scalar.value || 0x400...0x52F ~= scalar.value
            if !plain, isInvisible(scalar) { continue }
            if !plain, scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return foldHomoglyphs(String(scalars))
    }

    /// What two spellings of one name share: ``normalized(_:)``, lower-cased, «ё» read as «е», quotes and
    /// apostrophes removed, other punctuation and symbols read as spaces, spaces collapsed.
    package static func matchKey(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in normalized(raw).lowercased().unicodeScalars {
            if quotes.contains(scalar) { continue }
            let separates: Bool
            switch scalar.value {
            case 0x20: separates = true
            // ASCII: what is not a letter or a digit is punctuation or a symbol (controls never get here).
            case 0x21...0x7E: separates = !(0x30...0x39 ~= scalar.value || 0x41...0x5A ~= scalar.value
                                             || 0x61...0x7A ~= scalar.value)
            case 0x400...0x481, 0x483...0x52F: separates = false  // Cyrillic letters and marks
            default:
                let category = scalar.properties.generalCategory
                separates = isPunctuation(category) || isSymbol(category)
            }
            if separates {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar == "ё" ? "е" : scalar)
        }
        return String(scalars)
    }

    /// Quotation marks and apostrophes, which matching ignores (`Women's` is `Womens`).
    static let quotes: Set<Unicode.Scalar> = ["\"", "'", "«", "»", "“", "”", "„", "‟", "‘", "’", "‚", "‹", "›", "`", "´"]

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: return true  // private use
        case 0x034F: return true  // combining grapheme joiner
        default: return scalar.properties.generalCategory == .format
        }
    }

    private static func isPunctuation(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: true
        default: false
        }
    }

    private static func isSymbol(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: true
        default: false
        }
    }

    // MARK: - Homoglyphs

    private enum Script { case latin, cyrillic }

    /// Cyrillic letters and the Latin letters they look like.
    private static let cyrillicToLatin: [Unicode.Scalar: Unicode.Scalar] = [
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k", "м": "m", "т": "t", "н": "h",
        "в": "b", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "һ": "h",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X",
        "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    ]
    /// Latin letters and the Cyrillic letters they look like.
    private static let latinToCyrillic: [Unicode.Scalar: Unicode.Scalar] = [
        "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "k": "к", "m": "м", "t": "т", "h": "н",
        "b": "в", "i": "і", "j": "ј", "s": "ѕ",
        "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т", "X": "Х",
        "Y": "У", "I": "І", "J": "Ј", "S": "Ѕ",
    ]

    private static func script(of scalar: Unicode.Scalar) -> Script? {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F, 0x1E00...0x1EFF: .latin
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: .cyrillic
        default: nil
        }
    }

    /// Folds each word (a run of letters and marks) that mixes Latin and Cyrillic letters into one script: the one
    /// its letters without a look-alike are in, else the one most of its letters are in. A word whose own letters
    /// disagree (both scripts have letters without a look-alike), or a tie, is left as written.
    static func foldHomoglyphs(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var start = 0
        while start < scalars.count {
            guard isWordScalar(scalars[start]) else {
                out.append(scalars[start])
                start += 1
                continue
            }
            var end = start
            while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
            out.append(contentsOf: fold(scalars[start..<end]))
            start = end
        }
        return String(out)
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x400...0x481, 0x483...0x52F: return true  // Latin and Cyrillic letters, marks
        case 0..<0x80, 0x482: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    private static func fold(_ word: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var counts = (latin: 0, cyrillic: 0), decisive = (latin: 0, cyrillic: 0)
        for scalar in word {
            switch script(of: scalar) {
            case .latin:
                counts.latin += 1
                if latinToCyrillic[scalar] == nil { decisive.latin += 1 }
            case .cyrillic:
                counts.cyrillic += 1
                if cyrillicToLatin[scalar] == nil { decisive.cyrillic += 1 }
            case nil: break
            }
        }
        guard counts.latin > 0, counts.cyrillic > 0 else { return Array(word) }
        let target: Script
        switch (decisive.latin > 0, decisive.cyrillic > 0) {
        case (true, false): target = .latin
        case (false, true): target = .cyrillic
        case (true, true): return Array(word)
        case (false, false):
            guard counts.latin != counts.cyrillic else { return Array(word) }
            target = counts.latin > counts.cyrillic ? .latin : .cyrillic
        }
        let table = target == .latin ? cyrillicToLatin : latinToCyrillic
        return word.map { table[$0] ?? $0 }
    }
}
