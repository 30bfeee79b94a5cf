import Foundation

/// Scalar-level helpers for the importers' hot path: each list cell is normalised, scrubbed of identifiers, split
/// and keyed, and Foundation's `trimmingCharacters(in:)` and `precomposedStringWithCanonicalMapping` (which bridge
/// every call through `NSString` on Linux) and the Unicode property tables took most of an import's time. These
/// answer the common case — ASCII and Cyrillic text — from the scalar values, and leave anything else to the
/// general code, so results never differ.
enum ListText {
    /// Whether `text` is already what ``OfficialName/normalized(_:)`` makes of it, judged without Unicode tables:
    /// only ASCII printable characters, Cyrillic (U+0400–U+052F), «», № and the dashes and quotes of U+2010–U+2027
    /// (none of them changes under NFC, none is invisible, white space or a control character), single spaces
    /// between words, none at either end, and no word mixing Latin and Cyrillic letters (a homoglyph to fold).
    /// False means "not known": the general code decides.
    static func isPlainNormalized(_ text: String) -> Bool {
        var previousSpace = true  // a leading space is not plain
        var wordLatin = false, wordCyrillic = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x20 {
                if previousSpace { return false }
                previousSpace = true
                wordLatin = false
                wordCyrillic = false
                continue
            }
            previousSpace = false
            switch value {
            case 0x41...0x5A, 0x61...0x7A:
                wordLatin = true
            case 0x400...0x481, 0x483...0x52F:
                wordCyrillic = true  // Cyrillic letters, and its combining marks (which folding counts as Cyrillic)
            case 0x21...0x40, 0x5B...0x60, 0x7B...0x7E, 0x482, 0xAB, 0xBB, 0x2010...0x2027, 0x2116:
                // Digits, punctuation and symbols end a word (they are not letters or marks).
                wordLatin = false
                wordCyrillic = false
            default:
                return false
            }
            if wordLatin, wordCyrillic { return false }
        }
        return !previousSpace || text.isEmpty
    }

    /// `text` without the leading and trailing scalars for which `trim` is true — what Foundation's
    /// `trimmingCharacters(in:)` does with the character set that `trim` describes.
    static func trimmed(_ text: String, where trim: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !trim($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !trim($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    static func trimmed(_ text: Substring, where trim: (Unicode.Scalar) -> Bool) -> String {
        trimmed(String(text), where: trim)
    }

    /// Membership of Foundation's `CharacterSet.whitespaces` (which holds more than the space separators: U+200B
    /// too), answered from the value for ASCII and Cyrillic.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09: true
        case 0..<0x80, 0x400...0x52F: false
        default: whitespaces.contains(scalar)
        }
    }

    /// Membership of Foundation's `CharacterSet.whitespacesAndNewlines`, the same way.
    static func isWhitespaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20: true
        case 0..<0x80, 0x400...0x52F: false
        default: whitespacesAndNewlines.contains(scalar)
        }
    }

    private static let whitespaces = CharacterSet.whitespaces
    private static let whitespacesAndNewlines = CharacterSet.whitespacesAndNewlines

    /// Whether a scalar is a decimal digit (Nd), answered from the value for ASCII and Cyrillic.
    static func isDecimalDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39: true
        case 0..<0x80, 0x400...0x52F: false
        default: scalar.properties.generalCategory == .decimalNumber
        }
    }

    /// Whether `word`'s UTF-8 bytes occur in `text`'s: a search that ignores character boundaries, so it finds
    /// whatever a Character-wise or Foundation search would find (and possibly more): a pre-filter.
    static func containsBytes(_ text: String, _ word: String) -> Bool {
        var text = text, word = word
        return text.withUTF8 { haystack in
            word.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard haystack.count >= needle.count else { return false }
                for start in 0...(haystack.count - needle.count) where haystack[start] == first {
                    var matched = 1
                    while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                return false
            }
        }
    }

    /// Whether `word` (lower-case Cyrillic) occurs in `text` in any case, scalar by scalar: a pre-filter for a
    /// case-insensitive search (Cyrillic capitals U+0400–U+042F have their small letters 0x20 or 0x50 above; no
    /// other scalar lower-cases to a basic Cyrillic letter).
    static func containsCaseless(_ text: String, _ word: String) -> Bool {
        let needle = Array(word.unicodeScalars.map(\.value))
        guard let first = needle.first else { return true }
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x410...0x42F: scalars.append(scalar.value + 0x20)
            case 0x400...0x40F: scalars.append(scalar.value + 0x50)
            default: scalars.append(scalar.value)
            }
        }
        guard scalars.count >= needle.count else { return false }
        for start in 0...(scalars.count - needle.count) where scalars[start] == first {
            var matched = 1
            while matched < needle.count, scalars[start + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }
}
