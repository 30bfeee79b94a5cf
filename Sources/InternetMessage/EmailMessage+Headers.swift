extension EmailMessage {
    /// The header fields that do not depend on the body, in the order they are written, each ending in CRLF.
    ///
    /// Every value is checked on the way in (see `EmailMessage+Validation.swift`); the first problem is thrown,
    /// naming its header.
    func headerFields() throws(MessageError) -> [String] {
        guard !to.isEmpty else { throw MessageError(field: "To", reason: "needs at least one recipient") }
        try from.validate(for: "From")
        for recipient in to { try recipient.validate(for: "To") }
        try FieldSyntax.refuseLineBreaks(in: subject, field: "Subject")

        var fromField = HeaderField(name: "From")
        fromField.appendMailboxes([from])
        var toField = HeaderField(name: "To")
        toField.appendMailboxes(to)
        var subjectField = HeaderField(name: "Subject")
        subjectField.appendText(subject)

        var fields = [
            HeaderField(name: "Date", words: [Self.rfc5322Date(date)]), fromField, toField, subjectField,
            HeaderField(name: "Message-ID", words: [try Self.messageIDToken(messageID, field: "Message-ID")]),
        ]
        if let inReplyTo {
            let token = try Self.messageIDToken(inReplyTo, field: "In-Reply-To")
            fields.append(HeaderField(name: "In-Reply-To", words: [token]))
        }
        let thread = threadReferences
        if !thread.isEmpty {
            let tokens = try thread.map { id throws(MessageError) in try Self.messageIDToken(id, field: "References") }
            fields.append(HeaderField(name: "References", words: tokens))
        }
        fields.append(HeaderField(name: "MIME-Version", words: ["1.0"]))
        if let listUnsubscribe {
            try Self.validate(unsubscribeURL: listUnsubscribe)
            fields.append(HeaderField(name: "List-Unsubscribe", words: ["<\(listUnsubscribe)>"]))
            fields.append(HeaderField(name: "List-Unsubscribe-Post", words: ["List-Unsubscribe=One-Click"]))
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
