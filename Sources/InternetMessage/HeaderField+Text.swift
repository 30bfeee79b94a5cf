extension HeaderField {
    /// Appends unstructured text (RFC 5322 §3.2.5, as in `Subject`): as written and folded at its spaces when that
    /// keeps every line within the fold width, otherwise as RFC 2047 encoded-words.
    ///
    /// Text is written as is only if it is printable ASCII without leading or trailing spaces and without `=?`,
    /// which a decoder could take for the start of an encoded-word (RFC 2047 §6.2); anything else is encoded, so
    /// what a reader decodes is exactly the text given.
    mutating func appendText(_ text: String) {
        if Self.isVerbatimText(text), appendIfFits(Self.spacedWords(text)) { return }
        appendEncoded(text)
    }

    /// Appends `text` as encoded-words separated by folding whitespace, which decoders drop between adjacent
    /// encoded-words (RFC 2047 §6.2).
    ///
    /// The first word fills the room left on the current line when it is the field's first word or holds all of
    /// `text`; otherwise it starts a new line at full size, so a short display name late in a `To` list is not
    /// split into two words for nothing.
    mutating func appendEncoded(_ text: String) {
        let startsHere = !hasValue || EncodedWord.singleWordLength(of: text) <= room
        let firstLength = startsHere ? room : EncodedWord.maximumLength
        for word in EncodedWord.words(for: text, firstLength: firstLength) {
            append(word)
        }
    }

    /// Whether `text` is printable ASCII that reads the same written as is: see ``appendText(_:)``.
    static func isVerbatimText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == " " || FieldSyntax.isVisible($0) }
            && !text.hasPrefix(" ") && !text.hasSuffix(" ") && !text.contains("=?")
    }

    /// `text` cut before each run of spaces, keeping each run with the word after it so folding preserves it; the
    /// first word gets the single space that follows the colon. `text` has no leading or trailing spaces.
    static func spacedWords(_ text: String) -> [(whitespace: String, word: String)] {
        var words: [(whitespace: String, word: String)] = []
        var whitespace = " "
        var word = ""
        for character in text {
            if character == " " || character == "\t" {
                if !word.isEmpty {
                    words.append((whitespace, word))
                    (whitespace, word) = ("", "")
                }
                whitespace.append(character)
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append((whitespace, word)) }
        return words
    }
}
