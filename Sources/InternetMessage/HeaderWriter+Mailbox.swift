extension HeaderWriter {
    /// Appends a mailbox list (RFC 5322 §3.4): the mailboxes separated by commas, folding between them.
    mutating func appendMailboxes(_ mailboxes: [MailAddress]) {
        for (index, mailbox) in mailboxes.enumerated() {
            appendMailbox(mailbox, followedByComma: index < mailboxes.count - 1)
        }
    }

    /// Appends `display-name <address>`, or the bare address when there is no display name, then the comma.
    mutating func appendMailbox(_ mailbox: MailAddress, followedByComma comma: Bool) {
        let address = mailbox.address.utf8
        guard let displayName = mailbox.displayName, !displayName.isEmpty else {
            append(wordOfLength: address.count + (comma ? 1 : 0)) { bytes in
                bytes.append(contentsOf: address)
                if comma { bytes.append(UInt8(ascii: ",")) }
            }
            return
        }
        appendPhrase(displayName)
        append(wordOfLength: address.count + 2 + (comma ? 1 : 0)) { bytes in
            bytes.append(UInt8(ascii: "<"))
            bytes.append(contentsOf: address)
            bytes.append(UInt8(ascii: ">"))
            if comma { bytes.append(UInt8(ascii: ",")) }
        }
    }

    /// Appends a display name as an RFC 5322 §3.2.5 phrase, in the plainest form that reads back exactly.
    ///
    /// Words made only of atext, separated by single spaces, go as they are (`CaseWatch Alerts`). Other printable
    /// ASCII goes as one quoted-string with `"` and `\` escaped (`"Watch, Case"`), folded at its spaces, which
    /// RFC 5322 §3.2.4 allows and unfolding undoes. Anything else, or a name too long to fold within the width,
    /// goes as encoded-words, which RFC 2047 §5 (3) allows in place of a phrase word.
    private mutating func appendPhrase(_ name: String) {
        let written = name.withUTF8Bytes { octets -> Bool in
            guard Self.isVerbatimText(octets) else { return false }
            if Self.isAtoms(octets) { return appendSpacedWords(octets, onlyIfFits: true) }
            return Self.quoted(octets).withUnsafeBufferPointer { appendSpacedWords($0, onlyIfFits: true) }
        }
        if !written { appendEncoded(name) }
    }

    /// Whether `text` is atoms of atext separated by single spaces.
    private static func isAtoms(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !text.isEmpty else { return false }
        var previous = UInt8(ascii: " ")
        for octet in text {
            if octet == UInt8(ascii: " ") {
                if previous == UInt8(ascii: " ") { return false }
            } else if !FieldSyntax.isAtext(octet) {
                return false
            }
            previous = octet
        }
        return previous != UInt8(ascii: " ")
    }

    /// `text` as an RFC 5322 §3.2.4 quoted-string.
    private static func quoted(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(text.count + 8)
        for octet in text {
            if octet == UInt8(ascii: "\\") || octet == UInt8(ascii: "\"") { quoted.append(UInt8(ascii: "\\")) }
            quoted.append(octet)
        }
        quoted.append(UInt8(ascii: "\""))
        return quoted
    }
}
