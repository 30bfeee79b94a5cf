import Foundation

/// Case ids made from the stable keys of imported entries: lower-case ASCII letters, digits and hyphens, as
/// `CaseDecoder.isSlug` requires (`1076-р/2024-05-13` → `1076-r-2024-05-13`).
///
/// Cyrillic is transliterated (BGN/PCGN-like, without diacritics: «щ» → `shch`, «р» → `r`), Latin letters lose
/// their accents, anything else separates. The same key always gives the same id.
package enum ImportSlug {
    /// The longest id `CaseDecoder` accepts.
    static let maximumLength = 128

    /// `prefix` and the slug of `key`, joined by a hyphen; longer than ``maximumLength``, the slug is cut and ends in
    /// ten hex digits of the key's SHA-256, so two long keys that share their start still get two ids.
    package static func id(prefix: String, key: String) -> String {
        let body = slug(key)
        let whole = prefix.isEmpty ? body : body.isEmpty ? prefix : "\(prefix)-\(body)"
        guard whole.utf8.count > maximumLength || body.isEmpty else { return whole }
        let suffix = String(RowDigest.sha256Hex(key).prefix(10))
        let room = maximumLength - suffix.count - 1
        var cut = String(whole.prefix(room))
        while cut.hasSuffix("-") { cut.removeLast() }
        return cut.isEmpty ? suffix : "\(cut)-\(suffix)"
    }

    /// `text` transliterated and lower-cased, every run of other characters one hyphen, none at either end.
    package static func slug(_ text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for character in transliterated(text).lowercased().unicodeScalars {
            let isWord = ("a"..."z").contains(character) || ("0"..."9").contains(character)
            if isWord {
                if pendingHyphen, !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return out
    }

    /// `text` with Cyrillic letters written in Latin ones and accents taken off Latin letters.
    package static func transliterated(_ text: String) -> String {
        var out = ""
        for character in OfficialName.normalized(text) {
            // ASCII is neither Cyrillic nor a ligature, and has nothing to fold.
            if character.isASCII {
                out.append(character)
                continue
            }
            let lower = Character(character.lowercased())
            if let latin = cyrillic[lower] {
                out += character.isUppercase && !latin.isEmpty
                    ? latin.prefix(1).uppercased() + latin.dropFirst() : latin
            } else if let latin = ligatures[lower] {
                out += latin
            } else {
                // é → e, ø stays (and separates in a slug).
                let folded = String(character).folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
                out += folded
            }
        }
        return out
    }

    private static let cyrillic: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ј": "j", "ѕ": "s",
    ]

    private static let ligatures: [Character: String] = [
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    ]
}
