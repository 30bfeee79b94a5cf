extension MailAddress {
    /// Checks the address and the display name again, naming `field` (the header they are about to go into).
    func validate(for field: String) throws(MessageError) {
        try Self.validate(addrSpec: address, field: field)
        if let displayName {
            try FieldSyntax.refuseLineBreaks(in: displayName, field: field)
        }
    }

    /// Checks an addr-spec: `local@domain` with a dot-atom local part and a host name domain.
    static func validate(addrSpec: String, field: String) throws(MessageError) {
        if addrSpec.withUTF8Bytes(isValidAddrSpec) { return }
        // Something is wrong: the checks in full, for the error that names it.
        try FieldSyntax.refuseLineBreaks(in: addrSpec, field: field)
        let shown = "\"\(FieldSyntax.visible(addrSpec))\""
        func refuse(_ reason: String) -> MessageError { MessageError(field: field, reason: "\(shown) \(reason)") }

        guard addrSpec.unicodeScalars.allSatisfy(\.isASCII) else {
            throw refuse("is not ASCII; write the domain in its xn-- form (non-ASCII local parts are not supported)")
        }
        guard addrSpec.unicodeScalars.allSatisfy(FieldSyntax.isVisible) else {
            throw refuse("contains a space or a control character")
        }
        guard !addrSpec.contains("<"), !addrSpec.contains(">") else {
            throw refuse("has angle brackets; give the bare address, or use init(parsing:)")
        }
        let parts = addrSpec.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse("needs exactly one \"@\"") }
        let (local, domain) = (parts[0], parts[1])
        guard local.utf8.count <= 64, FieldSyntax.isDotAtomText(local) else {
            throw refuse("has a local part that is not 1 to 64 letters, digits or !#$%&'*+-/=?^_`{|}~ joined by dots")
        }
        guard isHostName(domain) else {
            throw refuse("has a domain that is not a host name with a dot (or localhost)")
        }
    }

    /// The checks of ``validate(addrSpec:field:)`` in one pass over the octets; true only for a valid addr-spec.
    private static func isValidAddrSpec(_ octets: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = octets.firstIndex(of: UInt8(ascii: "@")), at <= 64,
              FieldSyntax.isDotAtomText(UnsafeBufferPointer(rebasing: octets[..<at]))
        else { return false }
        let domain = UnsafeBufferPointer(rebasing: octets[(at + 1)...])
        guard domain.count <= 255 else { return false }
        var labels = 0
        var labelLength = 0
        var previous = UInt8(ascii: ".")
        for octet in domain {
            if octet == UInt8(ascii: ".") {
                guard (1...63).contains(labelLength), previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
            } else {
                guard isLetterDigitHyphen(octet), labelLength > 0 || octet != UInt8(ascii: "-") else { return false }
                labelLength += 1
            }
            previous = octet
        }
        guard (1...63).contains(labelLength), previous != UInt8(ascii: "-") else { return false }
        labels += 1
        if labels >= 2 { return true }
        let localhost = "localhost".utf8
        return domain.count == localhost.count && zip(domain, localhost).allSatisfy { $0 | 0x20 == $1 }
    }

    private static func isLetterDigitHyphen(_ octet: UInt8) -> Bool {
        switch octet {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            true
        default: false
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
