extension HeaderWriter {
    /// Appends unstructured text (RFC 5322 §3.2.5, as in `Subject`): as written and folded at its spaces when that
    /// keeps every line within the fold width, otherwise as RFC 2047 encoded-words.
    ///
    /// Text is written as is only if it is printable ASCII without leading or trailing spaces and without `=?`,
    /// which a decoder could take for the start of an encoded-word (RFC 2047 §6.2); anything else is encoded, so
    /// what a reader decodes is exactly the text given.
    mutating func appendText(_ text: String) {
        let written = text.withUTF8Bytes { octets in
            Self.isVerbatimText(octets) && appendSpacedWords(octets, onlyIfFits: true)
        }
        if !written { appendEncoded(text) }
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
        let words = EncodedWord.wordRanges(for: text, firstLength: firstLength)
        text.withUTF8Bytes { octets in
            for range in words {
                let payload = UnsafeBufferPointer(rebasing: octets[range])
                append(wordOfLength: EncodedWord.length(ofWordHolding: payload.count)) { bytes in
                    EncodedWord.write(payload, to: &bytes)
                }
            }
        }
    }

    /// Whether `text` is printable ASCII that reads the same written as is: see ``appendText(_:)``.
    static func isVerbatimText(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for octet in text {
            guard octet >= 0x20, octet <= 0x7E else { return false }
            if previous == UInt8(ascii: "="), octet == UInt8(ascii: "?") { return false }
            previous = octet
        }
        return text.first != UInt8(ascii: " ") && text.last != UInt8(ascii: " ")
    }
}
