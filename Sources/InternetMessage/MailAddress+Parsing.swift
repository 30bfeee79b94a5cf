extension MailAddress {
    /// Reads a mailbox as people write it in configuration: `CaseWatch <alerts@example.org>`,
    /// `"Watch, Case" <alerts@example.org>`, `<alerts@example.org>` or `alerts@example.org`.
    ///
    /// A display name in double quotes is unquoted (`\"` and `\\` escapes included); one without quotes is taken as
    /// written. Comments, groups and encoded-words are not read: this is for one address, not a whole header.
    public init(parsing text: String) throws(MessageError) {
        try FieldSyntax.refuseLineBreaks(in: text, field: "address")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.lastIndex(of: "<") else {
            try self.init(address: trimmed)
            return
        }
        guard trimmed.hasSuffix(">") else {
            let shown = FieldSyntax.visible(trimmed)
            throw MessageError(field: "address", reason: "\"\(shown)\" has a \"<\" but does not end with \">\"")
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        let displayName = try name.hasPrefix("\"") ? Self.unquoted(name) : name
        try self.init(address: address, displayName: displayName.isEmpty ? nil : displayName)
    }

    /// The content of an RFC 5322 §3.2.4 quoted-string that makes up the whole of `quoted`.
    private static func unquoted(_ quoted: String) throws(MessageError) -> String {
        var content = ""
        var escaped = false
        var closed = false
        for character in quoted.dropFirst() {
            if closed {
                throw MessageError(field: "display name", reason: "has text after its closing quote")
            } else if escaped {
                content.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
            } else {
                content.append(character)
            }
        }
        guard closed else { throw MessageError(field: "display name", reason: "has no closing quote") }
        return content
    }
}
