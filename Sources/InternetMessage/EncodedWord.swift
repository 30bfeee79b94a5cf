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

    private static let prefix = Array("=?UTF-8?B?".utf8)
    private static let suffix = Array("?=".utf8)
    private static let overhead = 12

    /// The length of `text` as a single encoded-word, whether or not that is within ``maximumLength``.
    static func singleWordLength(of text: String) -> Int {
        length(ofWordHolding: text.utf8.count)
    }

    /// The length of an encoded-word holding `count` octets.
    static func length(ofWordHolding count: Int) -> Int {
        overhead + Base64.encodedLength(ofOctets: count)
    }

    /// Appends the encoded-word holding `octets`.
    static func write(_ octets: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: prefix)
        Base64.append(octets, to: &bytes)
        bytes.append(contentsOf: suffix)
    }

    /// How `text` is cut into encoded-words: the range of its UTF-8 octets that each word holds, in order and
    /// together all of them; the first word at most `firstLength` characters long, the rest at most
    /// ``maximumLength``.
    ///
    /// An encoded-word ends after a space of the text when the next word of the text fits whole in a new one, so
    /// that a decoder which wrongly keeps the whitespace between encoded-words (RFC 2047 §6.2 says to drop it;
    /// CPython before gh-128110 keeps it in display names) shows a doubled space rather than a space inside a word.
    /// A word of the text too long for that breaks between grapheme clusters, so a letter and its accents stay
    /// together; a cluster too long for an encoded-word of its own (a long emoji sequence, a stack of combining
    /// marks) breaks between its Unicode scalars.
    static func wordRanges(for text: String, firstLength: Int) -> [Range<Int>] {
        if let ranges = text.withUTF8Bytes({ simpleWordRanges(for: $0, firstLength: firstLength) }) { return ranges }
        var packer = Packer(capacity: octetCapacity(forLength: firstLength))
        for piece in piecesEndingAfterSpaces(text) {
            if packer.add(piece.utf8.count) { continue }
            for character in piece {
                if packer.add(character.utf8.count) { continue }
                for scalar in character.unicodeScalars {
                    packer.addSplitting(UTF8.width(scalar))
                }
            }
        }
        return packer.finished()
    }

    /// ``wordRanges(for:firstLength:)`` computed on the octets, for text whose every scalar is a character of its
    /// own (see ``isSimple(_:)``), as most subjects and names are; nil for other text.
    private static func simpleWordRanges(for octets: UnsafeBufferPointer<UInt8>, firstLength: Int) -> [Range<Int>]? {
        var index = 0
        while index < octets.count {
            let (scalar, length) = decode(octets, at: index)
            guard isSimple(scalar) else { return nil }
            index += length
        }
        var packer = Packer(capacity: octetCapacity(forLength: firstLength))
        var start = 0
        while start < octets.count {
            // A piece ends after a run of spaces, before the next character that is not one.
            var end = start
            var previousIsSpace = false
            while end < octets.count {
                let isSpace = octets[end] == UInt8(ascii: " ")
                if end > start, previousIsSpace, !isSpace { break }
                previousIsSpace = isSpace
                end += decode(octets, at: end).length
            }
            if !packer.add(end - start) {
                var character = start
                while character < end {
                    let length = decode(octets, at: character).length
                    if !packer.add(length) { packer.addSplitting(length) }
                    character += length
                }
            }
            start = end
        }
        return packer.finished()
    }

    /// The scalar whose UTF-8 starts at `index` of valid UTF-8, and its length in octets.
    @inline(__always)
    private static func decode(_ octets: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int) {
        let lead = UInt32(octets[index])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | UInt32(octets[index + 1] & 0x3F), 2) }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | UInt32(octets[index + 1] & 0x3F) << 6 | UInt32(octets[index + 2] & 0x3F), 3)
        }
        return ((lead & 0x07) << 18 | UInt32(octets[index + 1] & 0x3F) << 12 | UInt32(octets[index + 2] & 0x3F) << 6
                    | UInt32(octets[index + 3] & 0x3F), 4)
    }

    /// Scalars that always make a character (grapheme cluster) of their own next to one another: printable ASCII,
    /// Latin-1 and Latin Extended letters, Cyrillic without its combining marks, general punctuation (dashes,
    /// quotes, the narrow no-break space) and currency signs. None of them joins the next scalar or is joined by
    /// it (Unicode's grapheme break property "Other"), so in text made only of them characters are scalars and
    /// `" "` is the space octet. (`EncodedWordTests` checks each one against `String`'s own segmentation.)
    static func isSimple(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x24F, 0x400...0x482, 0x48A...0x52F, 0x2010...0x2027, 0x202F...0x205E,
             0x20A0...0x20BF:
            true
        default: false
        }
    }

    /// `text` cut after each run of spaces: `"a b  c"` gives `"a "`, `"b  "`, `"c"`.
    private static func piecesEndingAfterSpaces(_ text: String) -> [Substring] {
        var pieces: [Substring] = []
        var start = text.startIndex
        var previousIsSpace = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if index != text.startIndex, character != " ", previousIsSpace {
                pieces.append(text[start..<index])
                start = index
            }
            previousIsSpace = character == " "
            index = text.index(after: index)
        }
        if start < text.endIndex { pieces.append(text[start...]) }
        return pieces
    }

    /// How many octets fit in a word of `length` characters (clamped to the lengths a word may have): base64 turns
    /// every 3 octets into 4 characters.
    private static func octetCapacity(forLength length: Int) -> Int {
        (min(max(length, minimumLength), maximumLength) - overhead) / 4 * 3
    }

    /// Packs octets into encoded-words, never splitting what it is given; only the counts matter, since the words
    /// hold the text's octets in order.
    private struct Packer {
        private var ranges: [Range<Int>] = []
        private var start = 0
        private var count = 0
        private var capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        /// Adds `octets` octets to the current word, or to a new one if they fit only there; false (and nothing
        /// added) if they fit in neither.
        mutating func add(_ octets: Int) -> Bool {
            if count + octets <= capacity {
                count += octets
                return true
            }
            guard count > 0, octets <= EncodedWord.octetCapacity(forLength: EncodedWord.maximumLength)
            else { return false }
            finishWord()
            count = octets
            return true
        }

        /// Adds the octets of one scalar (at most four, which fit in any word), starting a new word if needed.
        mutating func addSplitting(_ octets: Int) {
            if count + octets > capacity { finishWord() }
            count += octets
        }

        mutating func finished() -> [Range<Int>] {
            if count > 0 { finishWord() }
            return ranges
        }

        private mutating func finishWord() {
            ranges.append(start..<start + count)
            start += count
            count = 0
            capacity = EncodedWord.octetCapacity(forLength: EncodedWord.maximumLength)
        }
    }
}
