extension EmailMessage {
    /// Writes the header fields that do not depend on the body, in order, each ending in CRLF.
    ///
    /// Every value is checked on the way in (see `EmailMessage+Validation.swift`); the first problem is thrown,
    /// naming its header, and a line past RFC 5322's 998 octets only once every value has been checked.
    func writeHeaderFields(to header: inout HeaderWriter) throws(MessageError) {
        guard !to.isEmpty else { throw MessageError(field: "To", reason: "needs at least one recipient") }
        try from.validate(for: "From")
        for recipient in to { try recipient.validate(for: "To") }
        try FieldSyntax.refuseLineBreaks(in: subject, field: "Subject")

        header.begin("Date")
        header.append(wordOfLength: 31) { bytes in Self.appendRFC5322Date(date, to: &bytes) }
        header.end()
        header.begin("From")
        header.appendMailbox(from, followedByComma: false)
        header.end()
        header.begin("To")
        header.appendMailboxes(to)
        header.end()
        header.begin("Subject")
        header.appendText(subject)
        header.end()
        try Self.validate(messageID: messageID, field: "Message-ID")
        header.begin("Message-ID")
        Self.appendMessageID(messageID, to: &header)
        header.end()
        if let inReplyTo {
            try Self.validate(messageID: inReplyTo, field: "In-Reply-To")
            header.begin("In-Reply-To")
            Self.appendMessageID(inReplyTo, to: &header)
            header.end()
        }
        let thread = threadReferences
        if !thread.isEmpty {
            for id in thread { try Self.validate(messageID: id, field: "References") }
            header.begin("References")
            for id in thread { Self.appendMessageID(id, to: &header) }
            header.end()
        }
        header.field("MIME-Version", words: "1.0")
        if let listUnsubscribe {
            try Self.validate(unsubscribeURL: listUnsubscribe)
            let url = listUnsubscribe.utf8
            header.begin("List-Unsubscribe")
            header.append(wordOfLength: url.count + 2) { bytes in
                bytes.append(UInt8(ascii: "<"))
                bytes.append(contentsOf: url)
                bytes.append(UInt8(ascii: ">"))
            }
            header.end()
            header.field("List-Unsubscribe-Post", words: "List-Unsubscribe=One-Click")
        }
        for (name, value) in extraHeaders {
            try Self.writeExtraField(name: name, value: value, to: &header)
        }
        if let field = header.overlongField { throw HeaderWriter.overlongError(field) }
    }

    /// `references`, then `inReplyTo` if they do not hold it yet (RFC 5322 §3.6.4: the parent's references
    /// followed by the parent's id).
    var threadReferences: [String] {
        guard let inReplyTo, !references.contains(inReplyTo) else { return references }
        return references + [inReplyTo]
    }
}
