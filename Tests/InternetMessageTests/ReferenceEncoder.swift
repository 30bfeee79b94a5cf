// The InternetMessage encoder as it was before it wrote bytes directly (one String per base64 line, header
// fields as Strings), kept word for word under other names as the reference the fast encoder must match byte
// for byte. Only the names differ: Ref… types, RefMessage for EmailMessage's extensions, refValidate.

import Foundation
import InternetMessage

struct RefMessage {
    let message: EmailMessage
    var from: MailAddress { message.from }
    var to: [MailAddress] { message.to }
    var subject: String { message.subject }
    var date: Date { message.date }
    var messageID: String { message.messageID }
    var inReplyTo: String? { message.inReplyTo }
    var references: [String] { message.references }
    var listUnsubscribe: String? { message.listUnsubscribe }
    var extraHeaders: [(name: String, value: String)] { message.extraHeaders }
    var textBody: String { message.textBody }
    var htmlBody: String? { message.htmlBody }
}

// MARK: - EmailMessage+Encoding.swift
extension RefMessage {
    /// The whole message as it goes over SMTP: header fields, a blank line, the body; every line ending in CRLF and
    /// none longer than 998 octets (RFC 5322 §2.1.1, §2.3).
    ///
    /// Without `htmlBody` the body is one `text/plain` part. With it, the message is `multipart/alternative`
    /// (RFC 2046 §5.1.4) with the plain text first and the HTML last, since readers show the last part they can.
    /// Both are UTF-8 in base64 (see `RefTextPart`), and the boundary is derived from `boundarySeed` (pass the message
    /// or delivery id) so the same message always gives the same bytes.
    ///
    /// Throws the first problem found, naming its header: CR, LF or NUL in any header value, an invalid address,
    /// message id, unsubscribe URL or extra header, no recipient, or a line that cannot be kept within 998 octets.
    func encoded(boundarySeed: String) throws(MessageError) -> [UInt8] {
        var message = try headerFields().joined()
        let plain = RefTextPart(subtype: "plain", text: textBody)
        guard let htmlBody else {
            message += plain.headerFields + "\r\n" + plain.encodedBody
            return Array(message.utf8)
        }
        let boundary = RefMIMEBoundary.derived(from: boundarySeed)
        let contentType = RefHeaderField(
            name: "Content-Type", words: ["multipart/alternative;", "boundary=\"\(boundary)\""])
        message += try contentType.rendered() + "\r\n"
        for part in [plain, RefTextPart(subtype: "html", text: htmlBody)] {
            message += "--\(boundary)\r\n" + part.headerFields + "\r\n" + part.encodedBody
        }
        message += "--\(boundary)--\r\n"
        return Array(message.utf8)
    }
}

// MARK: - EmailMessage+Headers.swift
extension RefMessage {
    /// The header fields that do not depend on the body, in the order they are written, each ending in CRLF.
    ///
    /// Every value is checked on the way in (see `EmailMessage+Validation.swift`); the first problem is thrown,
    /// naming its header.
    func headerFields() throws(MessageError) -> [String] {
        guard !to.isEmpty else { throw MessageError(field: "To", reason: "needs at least one recipient") }
        try from.refValidate(for: "From")
        for recipient in to { try recipient.refValidate(for: "To") }
        try RefFieldSyntax.refuseLineBreaks(in: subject, field: "Subject")

        var fromField = RefHeaderField(name: "From")
        fromField.appendMailboxes([from])
        var toField = RefHeaderField(name: "To")
        toField.appendMailboxes(to)
        var subjectField = RefHeaderField(name: "Subject")
        subjectField.appendText(subject)

        var fields = [
            RefHeaderField(name: "Date", words: [Self.rfc5322Date(date)]), fromField, toField, subjectField,
            RefHeaderField(name: "Message-ID", words: [try Self.messageIDToken(messageID, field: "Message-ID")]),
        ]
        if let inReplyTo {
            let token = try Self.messageIDToken(inReplyTo, field: "In-Reply-To")
            fields.append(RefHeaderField(name: "In-Reply-To", words: [token]))
        }
        let thread = threadReferences
        if !thread.isEmpty {
            let tokens = try thread.map { id throws(MessageError) in try Self.messageIDToken(id, field: "References") }
            fields.append(RefHeaderField(name: "References", words: tokens))
        }
        fields.append(RefHeaderField(name: "MIME-Version", words: ["1.0"]))
        if let listUnsubscribe {
            try Self.validate(unsubscribeURL: listUnsubscribe)
            fields.append(RefHeaderField(name: "List-Unsubscribe", words: ["<\(listUnsubscribe)>"]))
            fields.append(RefHeaderField(name: "List-Unsubscribe-Post", words: ["List-Unsubscribe=One-Click"]))
        }
        for (name, value) in extraHeaders {
            fields.append(try Self.extraField(name: name, value: value))
        }
        return try fields.map { field throws(MessageError) in try field.rendered() }
    }

    /// `references`, then `inReplyTo` if they do not hold it yet (RFC 5322 §3.6.4: the parent's references
    /// followed by the parent's id).
    var threadReferences: [String] {
        guard let inReplyTo, !references.contains(inReplyTo) else { return references }
        return references + [inReplyTo]
    }
}

// MARK: - EmailMessage+Validation.swift

extension RefMessage {
    /// The header fields this type writes itself, which `extraHeaders` may not repeat: RFC 5322 §3.6 allows most of
    /// them once only, and a second `Content-Type` would contradict the body.
    static let reservedFieldNames: Set<String> = [
        "date", "from", "to", "subject", "message-id", "in-reply-to", "references", "mime-version",
        "list-unsubscribe", "list-unsubscribe-post", "content-type", "content-transfer-encoding",
    ]

    /// `<id>` for a message id given without brackets, which must be `id-left@id-right` in dot-atom form
    /// (RFC 5322 §3.6.4; the rare no-fold-literal right side is not accepted).
    static func messageIDToken(_ id: String, field: String) throws(MessageError) -> String {
        try RefFieldSyntax.refuseLineBreaks(in: id, field: field)
        let shown = "\"\(RefFieldSyntax.visible(id))\""
        guard !id.hasPrefix("<"), !id.hasSuffix(">") else {
            throw MessageError(field: field, reason: "\(shown): give the id without angle brackets")
        }
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(RefFieldSyntax.isDotAtomText) else {
            throw MessageError(field: field, reason: "\(shown) is not id-left@id-right (RFC 5322 §3.6.4)")
        }
        return "<\(id)>"
    }

    /// Checks the one-click unsubscribe URL: `https` (RFC 8058 §3.1) and nothing that could break out of the angle
    /// brackets around it (RFC 2369 §2): visible ASCII only, spaces and `<>` percent-encoded.
    static func validate(unsubscribeURL url: String) throws(MessageError) {
        let field = "List-Unsubscribe"
        try RefFieldSyntax.refuseLineBreaks(in: url, field: field)
        guard url.lowercased().hasPrefix("https://") else {
            throw MessageError(field: field, reason: "must be an https URL (RFC 8058 §3.1)")
        }
        guard url.unicodeScalars.allSatisfy({ RefFieldSyntax.isVisible($0) && $0 != "<" && $0 != ">" }) else {
            throw MessageError(
                field: field, reason: "may hold only printable ASCII without spaces or <> (percent-encode the rest)")
        }
    }

    /// One of `extraHeaders` as a field: a valid name that is not reserved, and an ASCII value folded at its spaces.
    static func extraField(name: String, value: String) throws(MessageError) -> RefHeaderField {
        let shownName = RefFieldSyntax.visible(name)
        // field-name = 1*ftext: printable ASCII except ":" (RFC 5322 §2.2, §3.6.8).
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ RefFieldSyntax.isVisible($0) && $0 != ":" }) else {
            throw MessageError(
                field: shownName, reason: "is not a header field name: use printable ASCII without \":\" or spaces")
        }
        guard !reservedFieldNames.contains(name.lowercased()) else {
            throw MessageError(field: shownName, reason: "is written by EmailMessage itself; set its property instead")
        }
        try RefFieldSyntax.refuseLineBreaks(in: value, field: name)
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        for scalar in trimmed.unicodeScalars where scalar != " " && scalar != "\t" && !RefFieldSyntax.isVisible(scalar) {
            let reason = scalar.isASCII ? "contains a control character" : "is not ASCII (RFC 5322 §2.2)"
            throw MessageError(field: name, reason: reason)
        }
        var field = RefHeaderField(name: name)
        for (whitespace, word) in RefHeaderField.spacedWords(trimmed) {
            field.append(word, after: whitespace)
        }
        return field
    }
}

// MARK: - EmailMessage+Date.swift

extension RefMessage {
    /// `date` as RFC 5322 §3.3 writes it, in UTC: `Thu, 26 Nov 2026 10:00:00 +0000`.
    ///
    /// Computed from the Unix time rather than through `Calendar` and `DateFormatter`, so the day and month names are
    /// always the English ones the grammar lists whatever the process locale, and the same instant always gives
    /// the same text (a retried delivery resends the same bytes). Fractions of a second are dropped; instants
    /// outside the years 1 to 9999, which the four-digit year cannot hold, are clamped to them.
    static func rfc5322Date(_ date: Date) -> String {
        let clamped = Double.minimum(Double.maximum(date.timeIntervalSince1970, -62_135_596_800), 253_402_300_799)
        let seconds = Int(clamped.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1 January 1970 was a Thursday.
        let time = [secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60].map { padded($0, to: 2) }
        return "\(weekdayNames[weekday]), \(padded(day, to: 2)) \(monthNames[month - 1]) \(padded(year, to: 4)) "
            + time.joined(separator: ":") + " +0000"
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// A non-negative `value` in decimal, with leading zeros up to `width` digits.
    private static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The proleptic Gregorian date of a day count, by Howard Hinnant's `civil_from_days` (eras of 400 years,
    /// years starting in March so the leap day comes last).
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

// MARK: - RefEncodedWord.swift

/// RFC 2047 encoded-words in UTF-8 and the "B" (base64) encoding: how non-ASCII text goes into a header.
///
/// B rather than Q because it needs no per-character rules (RFC 2047 §5 restricts Q differently in a phrase and in
/// unstructured text) and is shorter for Cyrillic. Each word is at most 75 characters (§2) and holds whole
/// characters only (§5: a multi-octet character must not be split between adjacent encoded-words), so every word
/// decodes to valid UTF-8 by itself.
enum RefEncodedWord {
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
            guard !chunk.isEmpty, octets.count <= RefEncodedWord.octetCapacity(forLength: RefEncodedWord.maximumLength)
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
            words.append(RefEncodedWord.prefix + Data(chunk).base64EncodedString() + RefEncodedWord.suffix)
            chunk = []
            capacity = RefEncodedWord.octetCapacity(forLength: RefEncodedWord.maximumLength)
        }
    }
}

// MARK: - RefFieldSyntax.swift
/// The RFC 5322 character classes and checks that header values go through before they are written.
enum RefFieldSyntax {
    /// `atext` (RFC 5322 §3.2.3): what an atom or a dot-atom may contain without quoting.
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~": true
        default: false
        }
    }

    /// `VCHAR` (RFC 5234 appendix B.1): printable US-ASCII, without the space.
    static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        (0x21...0x7E).contains(scalar.value)
    }

    /// `dot-atom-text` (RFC 5322 §3.2.3): runs of atext joined by single dots, none of them empty.
    static func isDotAtomText(_ text: Substring) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy(isAtext)
        }
    }

    /// Refuses a value with CR, LF or NUL anywhere in it.
    ///
    /// A CR or LF would end the header line and let the rest of the value become a header of its own (a `Bcc:`
    /// smuggled in through a case title); NUL is not allowed in a message at all (RFC 5322 §2.2 and §3.5). The value
    /// is refused rather than cleaned, so whoever supplied it hears about it instead of a mail going out that
    /// nobody wrote.
    static func refuseLineBreaks(in value: String, field: String) throws(MessageError) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r": throw MessageError(field: field, reason: lineBreakReason("a carriage return (CR)"))
            case "\n": throw MessageError(field: field, reason: lineBreakReason("a line feed (LF)"))
            case "\0": throw MessageError(field: field, reason: lineBreakReason("a NUL character"))
            default: continue
            }
        }
    }

    private static func lineBreakReason(_ what: String) -> String {
        "contains \(what), which could end the header and start another; refused, not stripped"
    }

    /// `text` with its control characters written as escapes, safe to quote in an error or a log line.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            case _ where scalar.properties.generalCategory == .control:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

// MARK: - RefHeaderField.swift
/// One header field being written: `Name: value`, folded (RFC 5322 §2.2.3) into lines of at most 76 columns
/// wherever the value has whitespace to fold at.
///
/// 76 rather than RFC 5322's recommended 78 because RFC 2047 §2 limits a line that carries an encoded-word to 76
/// characters; one width for every field is simpler than tracking which lines carry one. A word that cannot fit (a
/// long address or URL) gets a line of its own; only RFC 5322 §2.1.1's hard limit of 998 octets is an error.
/// Everything appended is ASCII by the time it gets here, so columns are octets.
struct RefHeaderField {
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

// MARK: - RefHeaderField+Text.swift
extension RefHeaderField {
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
        let startsHere = !hasValue || RefEncodedWord.singleWordLength(of: text) <= room
        let firstLength = startsHere ? room : RefEncodedWord.maximumLength
        for word in RefEncodedWord.words(for: text, firstLength: firstLength) {
            append(word)
        }
    }

    /// Whether `text` is printable ASCII that reads the same written as is: see ``appendText(_:)``.
    static func isVerbatimText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == " " || RefFieldSyntax.isVisible($0) }
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

// MARK: - RefHeaderField+Mailbox.swift

extension RefHeaderField {
    /// Appends a mailbox list (RFC 5322 §3.4): the mailboxes separated by commas, folding between them.
    mutating func appendMailboxes(_ mailboxes: [MailAddress]) {
        for (index, mailbox) in mailboxes.enumerated() {
            appendMailbox(mailbox, followedBy: index < mailboxes.count - 1 ? "," : "")
        }
    }

    /// Appends `display-name <address>`, or the bare address when there is no display name, then `suffix`.
    private mutating func appendMailbox(_ mailbox: MailAddress, followedBy suffix: String) {
        guard let displayName = mailbox.displayName, !displayName.isEmpty else {
            append(mailbox.address + suffix)
            return
        }
        appendPhrase(displayName)
        append("<\(mailbox.address)>" + suffix)
    }

    /// Appends a display name as an RFC 5322 §3.2.5 phrase, in the plainest form that reads back exactly.
    ///
    /// Words made only of atext, separated by single spaces, go as they are (`CaseWatch Alerts`). Other printable
    /// ASCII goes as one quoted-string with `"` and `\` escaped (`"Watch, Case"`), folded at its spaces, which
    /// RFC 5322 §3.2.4 allows and unfolding undoes. Anything else, or a name too long to fold within the width,
    /// goes as encoded-words, which RFC 2047 §5 (3) allows in place of a phrase word.
    private mutating func appendPhrase(_ name: String) {
        if Self.isVerbatimText(name) {
            let atoms = name.split(separator: " ", omittingEmptySubsequences: false)
            let isAtoms = atoms.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(RefFieldSyntax.isAtext) }
            if appendIfFits(Self.spacedWords(isAtoms ? name : Self.quoted(name))) { return }
        }
        appendEncoded(name)
    }

    /// `text` as an RFC 5322 §3.2.4 quoted-string.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

// MARK: - RefMIMEBoundary.swift
/// The multipart boundary (RFC 2046 §5.1.1) of a message, derived from a seed so that the same message always
/// encodes to the same bytes.
///
/// Derived rather than random so a retried delivery resends identical bytes and tests can compare them; hashed so
/// it still looks random to a reader. It starts with `=_`, which no base64 line can contain (`_` is outside the
/// alphabet and `=` only pads the end), so it cannot occur in the encoded parts whatever they say. FNV-1a and
/// SplitMix64 are used because they are fixed algorithms: Swift's `Hasher` is seeded afresh in every process.
enum RefMIMEBoundary {
    static func derived(from seed: String) -> String {
        var state = seed.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { hash, octet in
            (hash ^ UInt64(octet)) &* 0x0000_0100_0000_01B3
        }
        return "=_" + hex(splitMix(&state)) + hex(splitMix(&state))
    }

    /// One step of SplitMix64 (Steele, Lea and Flood, 2014): spreads every input bit over the whole output.
    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

// MARK: - MailAddress+Validation.swift
extension MailAddress {
    /// Checks the address and the display name again, naming `field` (the header they are about to go into).
    func refValidate(for field: String) throws(MessageError) {
        try Self.refValidate(addrSpec: address, field: field)
        if let displayName {
            try RefFieldSyntax.refuseLineBreaks(in: displayName, field: field)
        }
    }

    /// Checks an addr-spec: `local@domain` with a dot-atom local part and a host name domain.
    static func refValidate(addrSpec: String, field: String) throws(MessageError) {
        try RefFieldSyntax.refuseLineBreaks(in: addrSpec, field: field)
        let shown = "\"\(RefFieldSyntax.visible(addrSpec))\""
        func refuse(_ reason: String) -> MessageError { MessageError(field: field, reason: "\(shown) \(reason)") }

        guard addrSpec.unicodeScalars.allSatisfy(\.isASCII) else {
            throw refuse("is not ASCII; write the domain in its xn-- form (non-ASCII local parts are not supported)")
        }
        guard addrSpec.unicodeScalars.allSatisfy(RefFieldSyntax.isVisible) else {
            throw refuse("contains a space or a control character")
        }
        guard !addrSpec.contains("<"), !addrSpec.contains(">") else {
            throw refuse("has angle brackets; give the bare address, or use init(parsing:)")
        }
        let parts = addrSpec.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse("needs exactly one \"@\"") }
        let (local, domain) = (parts[0], parts[1])
        guard local.utf8.count <= 64, RefFieldSyntax.isDotAtomText(local) else {
            throw refuse("has a local part that is not 1 to 64 letters, digits or !#$%&'*+-/=?^_`{|}~ joined by dots")
        }
        guard isHostName(domain) else {
            throw refuse("has a domain that is not a host name with a dot (or localhost)")
        }
    }

    /// A DNS host name (RFC 1123 §2.1): labels of letters, digits and inner hyphens, at most 63 octets each and 255
    /// in all, with at least two labels unless it is `localhost`.
    private static func isHostName(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 255, labels.count >= 2 || domain.lowercased() == "localhost" else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy(isLetterDigitHyphen)
        }
    }

    private static func isLetterDigitHyphen(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-": true
        default: false
        }
    }
}

// MARK: - RefTextPart.swift

/// A UTF-8 text body as a MIME entity: `text/<subtype>; charset=utf-8`, base64-encoded.
///
/// Base64 rather than quoted-printable: the bodies are mostly Cyrillic and accented Latin, for which base64 is the
/// shorter; its lines are always 76 characters (RFC 2045 §6.8) whatever the text's own lines; and its alphabet
/// cannot form the `=_` that starts every ``RefMIMEBoundary``.
struct RefTextPart {
    /// `plain` or `html`.
    let subtype: String
    let text: String

    /// `Content-Type` and `Content-Transfer-Encoding`, each ending in CRLF.
    var headerFields: String {
        "Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
    }

    /// The base64 of the text in canonical form, in lines of 76 characters each ending in CRLF.
    var encodedBody: String {
        let encoded = Array(Data(Self.canonicalOctets(of: text)).base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            String(decoding: encoded[start..<min(start + 76, encoded.count)], as: UTF8.self) + "\r\n"
        }.joined()
    }

    /// `text` in UTF-8 with every line ending (LF, CR or CRLF) made CRLF, the canonical form of text that RFC 2046
    /// §4.1.1 requires before a body is base64-encoded.
    static func canonicalOctets(of text: String) -> [UInt8] {
        var octets: [UInt8] = []
        octets.reserveCapacity(text.utf8.count)
        var afterCR = false
        for octet in text.utf8 {
            if octet == UInt8(ascii: "\n") {
                if !afterCR { octets += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
            } else if octet == UInt8(ascii: "\r") {
                octets += [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
            } else {
                octets.append(octet)
            }
            afterCR = octet == UInt8(ascii: "\r")
        }
        return octets
    }
}

