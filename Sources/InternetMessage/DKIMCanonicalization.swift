/// DKIM's "relaxed" canonicalisation (RFC 6376 §3.4.2 for header fields, §3.4.4 for the body): what a signer hashes
/// and a verifier hashes again, so that the usual rewrites on the way (refolded headers, spaces at line ends) do not
/// break a signature.
///
/// Pure functions of bytes. Lines end in CRLF, as in every message CaseWatch writes; a lone CR or LF is an ordinary
/// octet here.
public enum DKIMCanonicalization {
    /// One header field, relaxed: the name in lower case, the value unfolded, every run of spaces and tabs made one
    /// space, none at either end of the value or around the colon; `name:value`, then CRLF when `terminated`.
    ///
    /// `field` is the whole field as written (`Subject: …\r\n\t…\r\n`); without a colon it is taken as a bare name.
    public static func relaxedHeader(_ field: some Collection<UInt8>, terminated: Bool = true) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(field.count + 2)
        var index = field.startIndex
        // The name, lower case, without the spaces before the colon.
        while index != field.endIndex, field[index] != UInt8(ascii: ":") {
            let octet = field[index]
            output.append(octet >= UInt8(ascii: "A") && octet <= UInt8(ascii: "Z") ? octet | 0x20 : octet)
            index = field.index(after: index)
        }
        while let last = output.last, isBlank(last) { output.removeLast() }
        output.append(UInt8(ascii: ":"))
        if index != field.endIndex { index = field.index(after: index) }
        // The value: line breaks gone, blanks collapsed, none at the ends.
        var pendingBlank = false
        var wroteValue = false
        while index != field.endIndex {
            let octet = field[index]
            index = field.index(after: index)
            if octet == UInt8(ascii: "\r") || octet == UInt8(ascii: "\n") { continue }
            if isBlank(octet) {
                pendingBlank = wroteValue
                continue
            }
            if pendingBlank { output.append(UInt8(ascii: " ")) }
            pendingBlank = false
            output.append(octet)
            wroteValue = true
        }
        if terminated {
            output.append(13)
            output.append(10)
        }
        return output
    }

    /// The body, relaxed: on each line, every run of spaces and tabs made one space and none left at its end; the
    /// empty lines at the end dropped; a CRLF added to a last line that lacks one. An empty body stays empty.
    public static func relaxedBody(_ body: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count + 2)
        /// Empty lines seen but not written yet: written only once a line with text follows them.
        var emptyLines = 0
        /// Where the line being written starts in `output`.
        var lineStart = 0
        var pendingBlank = false
        var previousWasCR = false

        func text(_ octet: UInt8) {
            if output.count == lineStart, emptyLines > 0 {
                for _ in 0..<emptyLines { output.append(13); output.append(10) }
                emptyLines = 0
                lineStart = output.count
            }
            if pendingBlank { output.append(UInt8(ascii: " ")) }
            pendingBlank = false
            output.append(octet)
        }

        func endLine() {
            if output.count == lineStart {
                emptyLines += 1
            } else {
                output.append(13)
                output.append(10)
            }
            lineStart = output.count
            pendingBlank = false
        }

        for octet in body {
            if previousWasCR {
                previousWasCR = false
                if octet == 10 {
                    endLine()
                    continue
                }
                text(13)  // a lone CR is text
            }
            if octet == 13 {
                previousWasCR = true
            } else if isBlank(octet) {
                pendingBlank = true
            } else {
                text(octet)
            }
        }
        if previousWasCR { text(13) }
        // A last line without its CRLF gets one if it holds text; one without text is dropped.
        if output.count > lineStart { endLine() }
        return output
    }

    @inline(__always)
    static func isBlank(_ octet: UInt8) -> Bool {
        octet == UInt8(ascii: " ") || octet == UInt8(ascii: "\t")
    }
}
