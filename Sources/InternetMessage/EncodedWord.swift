import Foundation

/// RFC 2047 encoded-words in UTF-8 and the "B" (base64) encoding: how non-ASCII text goes into a header.
///
/// B rather than Q because it needs no per-character rules (RFC 2047 §5 restricts Q differently in a phrase and in
/// unstructured text) and is shorter for Cyrillic. Each word is at most 75 characters (§2) and holds whole
/// characters only (§5: a multi-octet character must not be split between adjacent encoded-words), so every word
/// decodes to valid UTF-8 by itself.
enum EncodedWord {
    static let maximumLength = 75
    /// Room for `=?UTF-8?B??=` and one four-octet scalar, the least a word can usefully hold.
    static let minimumLength = overhead + 8

    private static let prefix = "=?UTF-8?B?"
    private static let suffix = "?="
    private static let overhead = prefix.utf8.count + suffix.utf8.count

    /// The length of `text` as a single encoded-word, whether or not that is within ``maximumLength``.
    static func singleWordLength(of text: String) -> Int {
        overhead + (text.utf8.count + 2) / 3 * 4
    }

    /// `text` as a sequence of encoded-words; the first at most `firstLength` characters long, the rest at most
    /// ``maximumLength``.
    ///
    /// An encoded-word ends after a space of the text when the next word of the text fits whole in a new one, so
    /// that a decoder which wrongly keeps the whitespace between encoded-words (RFC 2047 §6.2 says to drop it;
    /// CPython before gh-128110 keeps it in display names) shows a doubled space rather than a space inside a word.
    /// A word of the text too long for that breaks between grapheme clusters, so a letter and its accents stay
    /// together; a cluster too long for an encoded-word of its own (a long emoji sequence, a stack of combining
    /// marks) breaks between its Unicode scalars.
    static func words(for text: String, firstLength: Int) -> [String] {
        var packer = Packer(capacity: octetCapacity(forLength: firstLength))
        for piece in piecesEndingAfterSpaces(text) {
            if packer.add(piece.utf8) { continue }
            for character in piece {
                if packer.add(character.utf8) { continue }
                for scalar in character.unicodeScalars {
                    packer.addSplitting(String(scalar).utf8)
                }
            }
        }
        return packer.finished()
    }

    /// `text` cut after each run of spaces: `"a b  c"` gives `"a "`, `"b  "`, `"c"`.
    private static func piecesEndingAfterSpaces(_ text: String) -> [Substring] {
        var pieces: [Substring] = []
        var start = text.startIndex
        for index in text.indices.dropFirst() where text[index] != " " && text[text.index(before: index)] == " " {
            pieces.append(text[start..<index])
            start = index
        }
        if start < text.endIndex { pieces.append(text[start...]) }
        return pieces
    }

    /// How many octets fit in a word of `length` characters (clamped to the lengths a word may have): base64 turns
    /// every 3 octets into 4 characters.
    private static func octetCapacity(forLength length: Int) -> Int {
        (min(max(length, minimumLength), maximumLength) - overhead) / 4 * 3
    }

    /// Packs octets into encoded-words, never splitting what it is given.
    private struct Packer {
        private var words: [String] = []
        private var chunk: [UInt8] = []
        private var capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        /// Adds `octets` to the current word, or to a new one if they fit only there; false (and nothing added) if
        /// they fit in neither.
        mutating func add(_ octets: some Collection<UInt8>) -> Bool {
            if chunk.count + octets.count <= capacity {
                chunk += octets
                return true
            }
            guard !chunk.isEmpty, octets.count <= EncodedWord.octetCapacity(forLength: EncodedWord.maximumLength)
            else { return false }
            finishWord()
            chunk += octets
            return true
        }

        /// Adds the octets of one scalar (at most four, which fit in any word), starting a new word if needed.
        mutating func addSplitting(_ octets: some Collection<UInt8>) {
            if chunk.count + octets.count > capacity { finishWord() }
            chunk += octets
        }

        mutating func finished() -> [String] {
            if !chunk.isEmpty { finishWord() }
            return words
        }

        private mutating func finishWord() {
            words.append(EncodedWord.prefix + Data(chunk).base64EncodedString() + EncodedWord.suffix)
            chunk = []
            capacity = EncodedWord.octetCapacity(forLength: EncodedWord.maximumLength)
        }
    }
}
