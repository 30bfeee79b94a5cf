/// One header field being written: `Name: value`, folded (RFC 5322 §2.2.3) into lines of at most 76 columns
/// wherever the value has whitespace to fold at.
///
/// 76 rather than RFC 5322's recommended 78 because RFC 2047 §2 limits a line that carries an encoded-word to 76
/// characters; one width for every field is simpler than tracking which lines carry one. A word that cannot fit (a
/// long address or URL) gets a line of its own; only RFC 5322 §2.1.1's hard limit of 998 octets is an error.
/// Everything appended is ASCII by the time it gets here, so columns are octets.
struct HeaderField {
    static let foldWidth = 76
    static let lineLimit = 998

    let name: String
    private var finishedLines: [String] = []
    private var line: String
    /// Whether a word has been appended; until then nothing is folded.
    private(set) var hasValue = false

    init(name: String) {
        self.name = name
        line = name + ":"
    }

    /// A field whose value is `words` separated by single spaces.
    init(name: String, words: [String]) {
        self.init(name: name)
        for word in words { append(word) }
    }

    /// Columns left on the current line for one more word after its space.
    var room: Int { Self.foldWidth - line.utf8.count - 1 }

    /// Appends `word` after `whitespace`, folding first (a CRLF before the whitespace) when the line has no room.
    ///
    /// The first word always stays on the `Name:` line, so no line holds only a field name. Returns whether the line
    /// it went on is still within ``foldWidth``.
    @discardableResult
    mutating func append(_ word: String, after whitespace: String = " ") -> Bool {
        if hasValue, line.utf8.count + whitespace.utf8.count + word.utf8.count > Self.foldWidth {
            finishedLines.append(line)
            line = whitespace + word
        } else {
            line += whitespace + word
        }
        hasValue = true
        return line.utf8.count <= Self.foldWidth
    }

    /// Appends all of `words` if every line they land on stays within ``foldWidth``; otherwise changes nothing.
    mutating func appendIfFits(_ words: [(whitespace: String, word: String)]) -> Bool {
        var attempt = self
        for (whitespace, word) in words {
            guard attempt.append(word, after: whitespace) else { return false }
        }
        self = attempt
        return true
    }

    /// The field's lines, each ending in CRLF; refused if one of them would pass RFC 5322's 998-octet limit.
    func rendered() throws(MessageError) -> String {
        let lines = finishedLines + [line]
        guard lines.allSatisfy({ $0.utf8.count <= Self.lineLimit }) else {
            throw MessageError(
                field: name, reason: "would need a line longer than \(Self.lineLimit) octets (RFC 5322 §2.1.1)")
        }
        return lines.map { $0 + "\r\n" }.joined()
    }
}
