extension EmailMessage {
    /// The whole message as it goes over SMTP: header fields, a blank line, the body; every line ending in CRLF and
    /// none longer than 998 octets (RFC 5322 §2.1.1, §2.3).
    ///
    /// Without `htmlBody` the body is one `text/plain` part. With it, the message is `multipart/alternative`
    /// (RFC 2046 §5.1.4) with the plain text first and the HTML last, since readers show the last part they can.
    /// Both are UTF-8 in base64 (see `TextPart`), and the boundary is derived from `boundarySeed` (pass the message
    /// or delivery id) so the same message always gives the same bytes.
    ///
    /// Throws the first problem found, naming its header: CR, LF or NUL in any header value, an invalid address,
    /// message id, unsubscribe URL or extra header, no recipient, or a line that cannot be kept within 998 octets.
    ///
    /// Written straight into one array of exactly the message's size.
    public func encoded(boundarySeed: String) throws(MessageError) -> [UInt8] {
        try encoded(boundarySeed: boundarySeed, cache: nil).bytes
    }

    /// ``encoded(boundarySeed:)``, reusing the base64 of the bodies of earlier messages of the same family (see
    /// ``BodyEncodingCache``): the same bytes, with less work when the bodies start the same way, and where the
    /// message repeats lines it shares with the rest of its family, so that a store can keep those lines once.
    public func encodedSharing(boundarySeed: String, reusing cache: BodyEncodingCache) throws(MessageError)
        -> SharedEncoding
    {
        try encoded(boundarySeed: boundarySeed, cache: cache)
    }

    private func encoded(boundarySeed: String, cache: BodyEncodingCache?) throws(MessageError) -> SharedEncoding {
        var header = HeaderWriter(capacity: 2048)
        try writeHeaderFields(to: &header)
        let plain = TextPart(subtype: "plain", text: textBody, cache: cache)
        var runs: [SharedRun] = []
        guard let htmlBody else {
            let size = header.bytes.count + plain.headerFields.count + 2 + plain.encodedBodyLength
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                var out = OutputCursor(buffer.baseAddress!)
                out.write(header.bytes)
                out.write(plain.headerFields)
                out.writeCRLF()
                plain.noteReusedLines(at: out.count, in: &runs)
                out.advance(by: plain.writeBody(to: out.position))
                initialized = out.count
            }
            return SharedEncoding(bytes: bytes, runs: runs)
        }
        let boundary = MIMEBoundary.derived(from: boundarySeed)
        header.begin("Content-Type")
        header.append("multipart/alternative;")
        header.append(wordOfLength: boundary.count + 11) { bytes in
            bytes.append(contentsOf: "boundary=\"".utf8)
            bytes.append(contentsOf: boundary)
            bytes.append(UInt8(ascii: "\""))
        }
        header.end()
        if let field = header.overlongField { throw HeaderWriter.overlongError(field) }
        let parts = [plain, TextPart(subtype: "html", text: htmlBody, cache: cache)]
        var size = header.bytes.count + 2 + 2 + boundary.count + 4
        for part in parts { size += 2 + boundary.count + 2 + part.headerFields.count + 2 + part.encodedBodyLength }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var out = OutputCursor(buffer.baseAddress!)
            out.write(header.bytes)
            out.writeCRLF()
            for part in parts {
                out.writeDashes()
                out.write(boundary)
                out.writeCRLF()
                out.write(part.headerFields)
                out.writeCRLF()
                part.noteReusedLines(at: out.count, in: &runs)
                out.advance(by: part.writeBody(to: out.position))
            }
            out.writeDashes()
            out.write(boundary)
            out.writeDashes()
            out.writeCRLF()
            initialized = out.count
        }
        return SharedEncoding(bytes: bytes, runs: runs)
    }
}

extension TextPart {
    /// Runs shorter than this are not worth pointing at.
    static let shortestSharedRun = 512

    /// Adds the run of reused lines that this part's body, written at `offset`, starts with.
    func noteReusedLines(at offset: Int, in runs: inout [SharedRun]) {
        guard let reusedLines, reusedCount >= Self.shortestSharedRun else { return }
        runs.append(SharedRun(lines: reusedLines, offset: offset, count: reusedCount))
    }
}

/// Writes into memory already allocated for the whole message.
struct OutputCursor {
    private let start: UnsafeMutablePointer<UInt8>
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        position = start
    }

    var count: Int { position - start }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            position.initialize(from: base, count: source.count)
            position += source.count
        }
    }

    mutating func writeCRLF() {
        position[0] = 13
        position[1] = 10
        position += 2
    }

    mutating func writeDashes() {
        position[0] = UInt8(ascii: "-")
        position[1] = UInt8(ascii: "-")
        position += 2
    }

    mutating func advance(by count: Int) {
        position += count
    }
}
