/// Header fields being written, straight into bytes: `Name: value`, folded (RFC 5322 §2.2.3) into lines of at most 76
/// columns wherever the value has whitespace to fold at.
///
/// 76 rather than RFC 5322's recommended 78 because RFC 2047 §2 limits a line that carries an encoded-word to 76
/// characters; one width for every field is simpler than tracking which lines carry one. A word that cannot fit (a
/// long address or URL) gets a line of its own; only RFC 5322 §2.1.1's hard limit of 998 octets is an error, and it is
/// reported (``overlongField``) once every field is written, so the problems of the values themselves come first.
/// Everything appended is ASCII by the time it gets here, so columns are octets.
struct HeaderWriter {
    static let foldWidth = 76
    static let lineLimit = 998

    /// The fields written so far, each ending in CRLF, then the field being written (without its CRLF).
    private(set) var bytes: [UInt8] = []
    private var name = ""
    private var lineStart = 0
    /// The longest finished line of the field being written.
    private var longestLine = 0
    /// Whether a word has been appended to the field being written; until then nothing is folded.
    private(set) var hasValue = false
    /// The first field with a line longer than ``lineLimit``.
    private(set) var overlongField: String?

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts the field `name`.
    mutating func begin(_ name: String) {
        self.name = name
        lineStart = bytes.count
        longestLine = 0
        hasValue = false
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Ends the field being written with CRLF.
    mutating func end() {
        if max(longestLine, lineLength) > Self.lineLimit, overlongField == nil { overlongField = name }
        bytes.appendCRLF()
    }

    /// A whole field whose value is `words` separated by single spaces.
    mutating func field(_ name: String, words: String...) {
        begin(name)
        for word in words { append(word) }
        end()
    }

    /// The error for ``overlongField``.
    static func overlongError(_ field: String) -> MessageError {
        MessageError(field: field, reason: "would need a line longer than \(lineLimit) octets (RFC 5322 §2.1.1)")
    }

    private var lineLength: Int { bytes.count - lineStart }

    /// Columns left on the current line for one more word after its space.
    var room: Int { Self.foldWidth - lineLength - 1 }

    /// Folds (a CRLF before the whitespace) when `length` more octets would not fit on the line. The first word
    /// always stays on the `Name:` line, so no line holds only a field name.
    @inline(__always)
    private mutating func fold(before length: Int) {
        if hasValue, lineLength + length > Self.foldWidth {
            longestLine = max(longestLine, lineLength)
            bytes.appendCRLF()
            lineStart = bytes.count
        }
        hasValue = true
    }

    /// Appends `word` after one space, folding first when the line has no room. Returns whether the line it went
    /// on is still within ``foldWidth``.
    @discardableResult
    mutating func append(_ word: String) -> Bool {
        word.withUTF8Bytes { append(word: $0) }
    }

    @discardableResult
    mutating func append(word: UnsafeBufferPointer<UInt8>) -> Bool {
        fold(before: 1 + word.count)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: word)
        return lineLength <= Self.foldWidth
    }

    /// Appends a word of `length` octets after one space, as `append(_:)`; `write` appends the word's octets.
    @discardableResult
    mutating func append(wordOfLength length: Int, _ write: (inout [UInt8]) -> Void) -> Bool {
        fold(before: 1 + length)
        bytes.append(UInt8(ascii: " "))
        write(&bytes)
        return lineLength <= Self.foldWidth
    }

    /// Appends `text` word by word, cut before each run of spaces and tabs and keeping each run with the word after
    /// it, so folding preserves it; the first word gets the single space that follows the colon, and a trailing
    /// run is dropped.
    ///
    /// With `onlyIfFits`, appends all of it if every line it lands on stays within ``foldWidth`` and otherwise
    /// changes nothing; returns whether it was appended.
    @discardableResult
    mutating func appendSpacedWords(_ text: UnsafeBufferPointer<UInt8>, onlyIfFits: Bool) -> Bool {
        let saved = (count: bytes.count, lineStart: lineStart, longestLine: longestLine, hasValue: hasValue)
        let count = text.count
        var index = 0
        var whitespaceStart = 0
        while index < count, Self.isBlank(text[index]) { index += 1 }
        var first = true
        while index < count {
            let wordStart = index
            while index < count, !Self.isBlank(text[index]) { index += 1 }
            let whitespace = UnsafeBufferPointer(rebasing: text[whitespaceStart..<wordStart])
            let word = UnsafeBufferPointer(rebasing: text[wordStart..<index])
            fold(before: (first ? 1 : 0) + whitespace.count + word.count)
            if first { bytes.append(UInt8(ascii: " ")) }
            bytes.append(contentsOf: whitespace)
            bytes.append(contentsOf: word)
            first = false
            if onlyIfFits, lineLength > Self.foldWidth {
                bytes.removeSubrange(saved.count...)
                (lineStart, longestLine, hasValue) = (saved.lineStart, saved.longestLine, saved.hasValue)
                return false
            }
            whitespaceStart = index
            while index < count, Self.isBlank(text[index]) { index += 1 }
        }
        return true
    }

    @inline(__always)
    static func isBlank(_ octet: UInt8) -> Bool {
        octet == UInt8(ascii: " ") || octet == UInt8(ascii: "\t")
    }
}
