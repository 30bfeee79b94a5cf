/// A text in one or more of CaseWatch's languages, English always among them: a step's note, a claimant or court
/// written out rather than named by its gazetteer id. A plain string in a file is English.
///
/// A court, an authority or a claimant may hold a gazetteer id instead (`ru-moscow-city-court`): the renderer
/// looks it up and shows the body's name in the reader's language; the store keeps the id as written.
package struct LocalizedText: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The texts by language code; `en` is always there.
    package let texts: [String: String]

    package init(_ english: String) {
        texts = ["en": english]
    }

    package init(stringLiteral english: String) {
        self.init(english)
    }

    /// Nil without an English text.
    package init?(_ texts: [String: String]) {
        guard texts["en"] != nil else { return nil }
        self.texts = texts
    }

    package var english: String { texts["en"]! }

    /// The text in `language`, or the English one.
    package func text(in language: Language) -> String {
        texts[language.rawValue] ?? english
    }

    /// Whether the text is in `language` itself (not the English fallback).
    package func has(_ language: Language) -> Bool { texts[language.rawValue] != nil }

    /// Only English: written as a plain string.
    package var isPlain: Bool { texts.count == 1 }

    package var description: String { english }

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let plain = try? container.decode(String.self) {
            texts = ["en": plain]
        } else {
            let texts = try container.decode([String: String].self)
            guard texts["en"] != nil else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a text without English")
            }
            self.texts = texts
        }
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if isPlain { try container.encode(english) } else { try container.encode(texts) }
    }

    /// Written as the case file has it: a plain string when only English, else `{en, fr, ru}` in key order.
    package func writeJSON(into writer: inout JSONWriter) {
        if isPlain {
            writer.string(english)
            return
        }
        writer.object { json in
            for key in texts.keys.sorted() { json.field(key, texts[key]!) }
        }
    }
}
