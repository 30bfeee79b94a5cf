/// Base64 (RFC 4648 §4, with `=` padding) written straight into bytes: for encoded-words and for MIME bodies, whose
/// lines are cut at 76 characters (RFC 2045 §6.8).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The two characters of each 12 bits, in the order they are written.
    private static let pairs: [UInt16] = (0..<4096).map { bits in
        UInt16(littleEndian: UInt16(alphabet[bits >> 6]) | UInt16(alphabet[bits & 0x3F]) << 8)
    }

    /// A line of 76 characters holds 57 octets exactly.
    static let octetsPerLine = 57

    /// The length of the base64 of `count` octets.
    static func encodedLength(ofOctets count: Int) -> Int {
        (count + 2) / 3 * 4
    }

    /// The length of the base64 of `count` octets in lines of at most 76 characters, each ending in CRLF.
    static func linesLength(ofOctets count: Int) -> Int {
        let characters = encodedLength(ofOctets: count)
        return characters + (characters + 75) / 76 * 2
    }

    /// Appends the base64 of `octets` to `bytes`, in one run.
    static func append(_ octets: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        let length = encodedLength(ofOctets: octets.count)
        bytes.appendUninitialized(count: length) { out in
            _ = encode(octets, to: out)
        }
    }

    /// Writes the base64 of `octets` at `out`; returns the number of characters written.
    @discardableResult
    static func encode(_ octets: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        withTables { table, pairs in encode(octets, to: out, table: table, pairs: pairs) }
    }

    /// Writes the base64 of `octets` at `out` in lines of 76 characters, each ending in CRLF (the last one shorter);
    /// nothing at all for no octets. Returns the number of bytes written, ``linesLength(ofOctets:)``.
    @discardableResult
    static func encodeLines(_ octets: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        withTables { table, pairs in
            var written = 0
            var start = 0
            while start < octets.count {
                let end = min(start + octetsPerLine, octets.count)
                let line = UnsafeBufferPointer(rebasing: octets[start..<end])
                written += encode(line, to: out + written, table: table, pairs: pairs)
                out[written] = 13
                out[written + 1] = 10
                written += 2
                start = end
            }
            return written
        }
    }

    @inline(__always)
    private static func withTables<Result>(
        _ body: (UnsafePointer<UInt8>, UnsafePointer<UInt16>) -> Result
    ) -> Result {
        alphabet.withUnsafeBufferPointer { table in
            pairs.withUnsafeBufferPointer { pairs in body(table.baseAddress!, pairs.baseAddress!) }
        }
    }

    @inline(__always)
    private static func encode(
        _ octets: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, table: UnsafePointer<UInt8>,
        pairs: UnsafePointer<UInt16>
    ) -> Int {
        guard let input = octets.baseAddress else { return 0 }
        let count = octets.count
        let raw = UnsafeMutableRawPointer(out)
        var index = 0
        var written = 0
        while index + 3 <= count {
            let value = Int(input[index]) << 16 | Int(input[index + 1]) << 8 | Int(input[index + 2])
            raw.storeBytes(of: pairs[value >> 12], toByteOffset: written, as: UInt16.self)
            raw.storeBytes(of: pairs[value & 0xFFF], toByteOffset: written + 2, as: UInt16.self)
            index += 3
            written += 4
        }
        switch count - index {
        case 1:
            let value = UInt32(input[index]) << 16
            out[written] = table[Int(value >> 18)]
            out[written + 1] = table[Int(value >> 12 & 0x3F)]
            out[written + 2] = UInt8(ascii: "=")
            out[written + 3] = UInt8(ascii: "=")
            written += 4
        case 2:
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            out[written] = table[Int(value >> 18)]
            out[written + 1] = table[Int(value >> 12 & 0x3F)]
            out[written + 2] = table[Int(value >> 6 & 0x3F)]
            out[written + 3] = UInt8(ascii: "=")
            written += 4
        default:
            break
        }
        return written
    }
}

extension Array where Element == UInt8 {
    /// Grows the array by `count` bytes that `write` fills in (it must write all of them).
    @inline(__always)
    mutating func appendUninitialized(count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) {
        let start = self.count
        append(contentsOf: repeatElement(0, count: count))
        withUnsafeMutableBufferPointer { buffer in
            write(buffer.baseAddress! + start)
        }
    }

    @inline(__always)
    mutating func appendCRLF() {
        append(13)
        append(10)
    }
}

extension String {
    /// Calls `body` with the UTF-8 of the string, contiguous (a bridged string is made native first).
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var copy = self
        return copy.withUTF8(body)
    }
}
