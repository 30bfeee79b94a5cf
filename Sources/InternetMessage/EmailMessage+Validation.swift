import Foundation

extension EmailMessage {
    /// The header fields this type writes itself, which `extraHeaders` may not repeat: RFC 5322 §3.6 allows most of
    /// them once only, and a second `Content-Type` would contradict the body.
    static let reservedFieldNames: Set<String> = [
        "date", "from", "to", "subject", "message-id", "in-reply-to", "references", "mime-version",
        "list-unsubscribe", "list-unsubscribe-post", "content-type", "content-transfer-encoding",
    ]
    private static let reservedFieldOctets: [[UInt8]] = reservedFieldNames.map { Array($0.utf8) }

    /// Checks a message id given without brackets, which must be `id-left@id-right` in dot-atom form (RFC 5322
    /// §3.6.4; the rare no-fold-literal right side is not accepted); it is written as `<id>`.
    static func validate(messageID id: String, field: String) throws(MessageError) {
        let valid = id.withUTF8Bytes { octets -> Bool in
            guard let at = octets.firstIndex(of: UInt8(ascii: "@")) else { return false }
            return FieldSyntax.isDotAtomText(UnsafeBufferPointer(rebasing: octets[..<at]))
                && FieldSyntax.isDotAtomText(UnsafeBufferPointer(rebasing: octets[(at + 1)...]))
        }
        if valid { return }
        // Something is wrong: the checks in full, for the error that names it.
        try FieldSyntax.refuseLineBreaks(in: id, field: field)
        let shown = "\"\(FieldSyntax.visible(id))\""
        guard !id.hasPrefix("<"), !id.hasSuffix(">") else {
            throw MessageError(field: field, reason: "\(shown): give the id without angle brackets")
        }
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(FieldSyntax.isDotAtomText) else {
            throw MessageError(field: field, reason: "\(shown) is not id-left@id-right (RFC 5322 §3.6.4)")
        }
    }

    /// `<id>` as a word of a header field.
    static func appendMessageID(_ id: String, to header: inout HeaderWriter) {
        let octets = id.utf8
        header.append(wordOfLength: octets.count + 2) { bytes in
            bytes.append(UInt8(ascii: "<"))
            bytes.append(contentsOf: octets)
            bytes.append(UInt8(ascii: ">"))
        }
    }

    /// Checks the one-click unsubscribe URL: `https` (RFC 8058 §3.1) and nothing that could break out of the angle
    /// brackets around it (RFC 2369 §2): visible ASCII only, spaces and `<>` percent-encoded.
    static func validate(unsubscribeURL url: String) throws(MessageError) {
        let valid = url.withUTF8Bytes { octets -> Bool in
            let scheme = "https://".utf8
            guard octets.count >= scheme.count,
                  zip(octets, scheme).allSatisfy({ $0 | 0x20 == $1 || $0 == $1 })
            else { return false }
            return octets.allSatisfy { FieldSyntax.isVisible($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        }
        if valid { return }
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

    /// Writes one of `extraHeaders` as a field: a valid name that is not reserved, and an ASCII value folded at its
    /// spaces.
    static func writeExtraField(name: String, value: String, to header: inout HeaderWriter) throws(MessageError) {
        // field-name = 1*ftext: printable ASCII except ":" (RFC 5322 §2.2, §3.6.8).
        let validName = name.withUTF8Bytes { octets in
            !octets.isEmpty && octets.allSatisfy { FieldSyntax.isVisible($0) && $0 != UInt8(ascii: ":") }
        }
        guard validName else {
            throw MessageError(field: FieldSyntax.visible(name),
                               reason: "is not a header field name: use printable ASCII without \":\" or spaces")
        }
        guard !isReserved(name) else {
            throw MessageError(field: FieldSyntax.visible(name),
                               reason: "is written by EmailMessage itself; set its property instead")
        }
        let plain = value.withUTF8Bytes { octets in
            octets.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || FieldSyntax.isVisible($0) }
        }
        if !plain {
            // Something is wrong: the checks in full, for the error that names it.
            try FieldSyntax.refuseLineBreaks(in: value, field: name)
            let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            for scalar in trimmed.unicodeScalars where scalar != " " && scalar != "\t" && !FieldSyntax.isVisible(scalar) {
                let reason = scalar.isASCII ? "contains a control character" : "is not ASCII (RFC 5322 §2.2)"
                throw MessageError(field: name, reason: reason)
            }
        }
        header.begin(name)
        value.withUTF8Bytes { octets in
            // Surrounding spaces and tabs are dropped.
            var start = 0
            var end = octets.count
            while start < end, HeaderWriter.isBlank(octets[start]) { start += 1 }
            while end > start, HeaderWriter.isBlank(octets[end - 1]) { end -= 1 }
            header.appendSpacedWords(UnsafeBufferPointer(rebasing: octets[start..<end]), onlyIfFits: false)
        }
        header.end()
    }

    /// Whether `name` (printable ASCII) is one of ``reservedFieldNames`` in any case.
    private static func isReserved(_ name: String) -> Bool {
        name.withUTF8Bytes { octets in
            reservedFieldOctets.contains { reserved in
                reserved.count == octets.count
                    && zip(reserved, octets).allSatisfy { reserved, octet in
                        let isUpper = octet >= UInt8(ascii: "A") && octet <= UInt8(ascii: "Z")
                        return octet == reserved || (isUpper && octet | 0x20 == reserved)
                    }
            }
        }
    }
}
