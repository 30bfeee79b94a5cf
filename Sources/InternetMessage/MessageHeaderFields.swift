/// The header fields of a finished message, found in its bytes: where each field is and where the body starts.
///
/// For DKIM, which signs the fields as they were written. A field runs from its name to the CRLF that is not followed
/// by a space or a tab; the header ends at the first empty line.
public struct MessageHeaderFields: Sendable {
    public struct Field: Sendable, Equatable {
        /// The field's name in lower case (`list-unsubscribe`).
        public let name: String
        /// The whole field in the message, its final CRLF included.
        public let range: Range<Int>
    }

    public let fields: [Field]
    /// Where the body starts: just after the empty line (the end of the message when it has none).
    public let bodyStart: Int

    public init(_ message: [UInt8]) {
        var fields: [Field] = []
        var index = 0
        var bodyStart = message.count
        message.withUnsafeBufferPointer { octets in
            let count = octets.count
            while index < count {
                if index + 1 < count, octets[index] == 13, octets[index + 1] == 10 {
                    bodyStart = index + 2
                    return
                }
                let start = index
                var colon: Int?
                // To the CRLF that ends the field: one not followed by a space or a tab.
                while index < count {
                    if colon == nil, octets[index] == UInt8(ascii: ":") { colon = index }
                    if octets[index] == 13, index + 1 < count, octets[index + 1] == 10 {
                        index += 2
                        if index < count, DKIMCanonicalization.isBlank(octets[index]) { continue }
                        break
                    }
                    index += 1
                }
                let nameEnd = colon ?? start
                var name = String(decoding: UnsafeBufferPointer(rebasing: octets[start..<nameEnd]), as: UTF8.self)
                    .lowercased()
                while name.last == " " || name.last == "\t" { name.removeLast() }
                fields.append(Field(name: name, range: start..<index))
            }
        }
        self.fields = fields
        self.bodyStart = bodyStart
    }

    /// The fields named in `names` that the message has, relaxed (RFC 6376 §3.4.2) and in the order of `names`, as a
    /// signer hashes them; with the names that were found, for the signature's `h=` tag.
    ///
    /// A name listed twice takes the field's instances from the last one up (RFC 6376 §5.4.2); a name listed more
    /// often than the message has it is still put in `h=` ("over-signing"), which adds nothing to the hash but
    /// makes a verifier refuse a message that gained such a field on the way.
    public func relaxed(_ names: [String], of message: [UInt8], overSigning: Set<String> = [])
        -> (names: [String], bytes: [UInt8])
    {
        var used: [String: Int] = [:]
        var signed: [String] = []
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        for name in names {
            let instances = fields.filter { $0.name == name }
            let taken = used[name, default: 0]
            guard taken < instances.count else { continue }
            used[name] = taken + 1
            signed.append(name)
            bytes += DKIMCanonicalization.relaxedHeader(message[instances[instances.count - 1 - taken].range])
        }
        for name in names where overSigning.contains(name) && used[name] != nil {
            signed.append(name)
        }
        return (signed, bytes)
    }
}
