import Foundation

extension EmailMessage {
    /// The header fields this type writes itself, which `extraHeaders` may not repeat: RFC 5322 §3.6 allows most of
    /// them once only, and a second `Content-Type` would contradict the body.
    static let reservedFieldNames: Set<String> = [
        "date", "from", "to", "subject", "message-id", "in-reply-to", "references", "mime-version",
        "list-unsubscribe", "list-unsubscribe-post", "content-type", "content-transfer-encoding",
    ]

    /// `<id>` for a message id given without brackets, which must be `id-left@id-right` in dot-atom form
    /// (RFC 5322 §3.6.4; the rare no-fold-literal right side is not accepted).
    static func messageIDToken(_ id: String, field: String) throws(MessageError) -> String {
        try FieldSyntax.refuseLineBreaks(in: id, field: field)
        let shown = "\"\(FieldSyntax.visible(id))\""
        guard !id.hasPrefix("<"), !id.hasSuffix(">") else {
            throw MessageError(field: field, reason: "\(shown): give the id without angle brackets")
        }
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(FieldSyntax.isDotAtomText) else {
            throw MessageError(field: field, reason: "\(shown) is not id-left@id-right (RFC 5322 §3.6.4)")
        }
        return "<\(id)>"
    }

    /// Checks the one-click unsubscribe URL: `https` (RFC 8058 §3.1) and nothing that could break out of the angle
    /// brackets around it (RFC 2369 §2): visible ASCII only, spaces and `<>` percent-encoded.
    static func validate(unsubscribeURL url: String) throws(MessageError) {
        let field = "List-Unsubscribe"
        try FieldSyntax.refuseLineBreaks(in: url, field: field)
        guard url.lowercased().hasPrefix("https://") else {
            throw MessageError(field: field, reason: "must be an https URL (RFC 8058 §3.1)")
        }
        guard url.unicodeScalars.allSatisfy({ FieldSyntax.isVisible($0) && $0 != "<" && $0 != ">" }) else {
            throw MessageError(
                field: field, reason: "may hold only printable ASCII without spaces or <> (percent-encode the rest)")
        }
    }

    /// One of `extraHeaders` as a field: a valid name that is not reserved, and an ASCII value folded at its spaces.
    static func extraField(name: String, value: String) throws(MessageError) -> HeaderField {
        let shownName = FieldSyntax.visible(name)
        // field-name = 1*ftext: printable ASCII except ":" (RFC 5322 §2.2, §3.6.8).
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ FieldSyntax.isVisible($0) && $0 != ":" }) else {
            throw MessageError(
                field: shownName, reason: "is not a header field name: use printable ASCII without \":\" or spaces")
        }
        guard !reservedFieldNames.contains(name.lowercased()) else {
            throw MessageError(field: shownName, reason: "is written by EmailMessage itself; set its property instead")
        }
        try FieldSyntax.refuseLineBreaks(in: value, field: name)
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        for scalar in trimmed.unicodeScalars where scalar != " " && scalar != "\t" && !FieldSyntax.isVisible(scalar) {
            let reason = scalar.isASCII ? "contains a control character" : "is not ASCII (RFC 5322 §2.2)"
            throw MessageError(field: name, reason: reason)
        }
        var field = HeaderField(name: name)
        for (whitespace, word) in HeaderField.spacedWords(trimmed) {
            field.append(word, after: whitespace)
        }
        return field
    }
}
