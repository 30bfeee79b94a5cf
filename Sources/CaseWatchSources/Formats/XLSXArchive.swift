import CZlib
import Foundation

/// The ZIP archive of a workbook, read in memory: its central directory, and each part unpacked with every offset
/// and size checked against the bytes there are and the output bounded by a limit.
///
/// CaseWatch's own, not ZIPFoundation's (0.9.20) extraction: fuzzing found that an entry pointing past the end of the
/// data traps its in-memory archive, and that a deflate stream without its last block makes its inflate loop spin
/// for ever at the end of the file (weichsel/ZIPFoundation#389). Here the compressed bytes are exactly the entry's,
/// and a stream that does not end within them is a damaged part.
struct XLSXArchive {
    struct Entry {
        var path: String
        var method: UInt16
        var checksum: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    private let bytes: [UInt8]
    let entries: [Entry]

    /// Nil when the bytes hold no readable central directory (not a ZIP archive, or one cut short).
    init?(_ data: Data) {
        bytes = [UInt8](data)
        guard let entries = Self.centralDirectory(bytes) else { return nil }
        self.entries = entries
    }

    /// The entry at `path`, or one whose path differs only in case.
    func entry(_ path: String) -> Entry? {
        let files = entries.filter { !$0.path.hasSuffix("/") }
        let wanted = path.lowercased()
        return files.first { $0.path == path } ?? files.first { $0.path.lowercased() == wanted }
    }

    /// Why a part could not be unpacked.
    enum Failure: Error {
        case damaged
        case tooLarge
    }

    /// The part's bytes, unpacked: stored or deflated, no more than `limit` of them, its CRC-32 checked.
    func contents(of entry: Entry, limit: Int) throws(Failure) -> Data {
        guard entry.uncompressedSize <= UInt64(limit) else { throw .tooLarge }
        let offset = Int(clamping: entry.localHeaderOffset)
        guard offset <= bytes.count - 30, Self.u32(bytes, offset) == 0x0403_4B50 else { throw .damaged }
        let start = offset + 30 + Int(Self.u16(bytes, offset + 26)) + Int(Self.u16(bytes, offset + 28))
        guard entry.compressedSize <= UInt64(bytes.count), start <= bytes.count - Int(entry.compressedSize) else {
            throw .damaged
        }
        let compressed = start..<start + Int(entry.compressedSize)
        let output: [UInt8]
        switch entry.method {
        case 0:
            guard compressed.count <= limit else { throw .tooLarge }
            output = Array(bytes[compressed])
        case 8:
            output = try Self.inflate(bytes, compressed, limit: limit)
        default:
            throw .damaged
        }
        let checksum = output.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
        guard checksum == entry.checksum else { throw .damaged }
        return Data(output)
    }

    /// Raw deflate (RFC 1951) of `range`, which must end within it; more than `limit` bytes of output is refused as
    /// soon as it is reached.
    private static func inflate(_ bytes: [UInt8], _ range: Range<Int>, limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .damaged
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var tooLarge = false
        let status: Int32 = bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + range.lowerBound)
            stream.avail_in = uInt(range.count)
            while true {
                let (status, produced) = buffer.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else {
                    tooLarge = true
                    return status
                }
                output += buffer[..<produced]
                // Z_OK means progress (input taken or output given), so this ends: at the end of the stream, at an
                // error, or where the entry's bytes run out before the stream does.
                if status != Z_OK || produced == 0 && stream.avail_in == 0 { return status }
            }
        }
        if tooLarge { throw .tooLarge }
        guard status == Z_STREAM_END else { throw .damaged }
        return output
    }

    /// The entries of the central directory, every one within the bytes; nil when there is none to read.
    private static func centralDirectory(_ bytes: [UInt8]) -> [Entry]? {
        guard bytes.count >= 22 else { return nil }
        // The end-of-central-directory record: the last one, within the 64 KiB a comment may take.
        var end = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while end >= lowest, u32(bytes, end) != 0x0605_4B50 { end -= 1 }
        guard end >= lowest else { return nil }
        var count = UInt64(u16(bytes, end + 10))
        var offset = UInt64(u32(bytes, end + 16))
        if count == 0xFFFF || offset == 0xFFFF_FFFF {
            // ZIP64: the locator just before the record names where the ZIP64 record is.
            guard end >= 20, bytes.count >= 56, u32(bytes, end - 20) == 0x0706_4B50 else { return nil }
            let record = u64(bytes, end - 20 + 8)
            guard record <= UInt64(bytes.count - 56), u32(bytes, Int(record)) == 0x0606_4B50 else { return nil }
            count = u64(bytes, Int(record) + 32)
            offset = u64(bytes, Int(record) + 48)
        }
        guard offset <= UInt64(bytes.count), count <= UInt64(bytes.count / 46) else { return nil }
        var entries: [Entry] = []
        var position = Int(offset)
        for _ in 0..<count {
            guard position <= bytes.count - 46, u32(bytes, position) == 0x0201_4B50 else { return nil }
            let nameLength = Int(u16(bytes, position + 28)), extraLength = Int(u16(bytes, position + 30))
            let commentLength = Int(u16(bytes, position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= bytes.count else { return nil }
            var entry = Entry(
                path: String(decoding: bytes[position + 46..<position + 46 + nameLength], as: UTF8.self),
                method: u16(bytes, position + 10), checksum: u32(bytes, position + 16),
                compressedSize: UInt64(u32(bytes, position + 20)), uncompressedSize: UInt64(u32(bytes, position + 24)),
                localHeaderOffset: UInt64(u32(bytes, position + 42)))
            readZIP64(bytes, position + 46 + nameLength, extraLength, into: &entry)
            entries.append(entry)
            position = next
        }
        return entries
    }

    /// The ZIP64 extra field (id 1) holds, in order, each size or offset that the header gives as 0xFFFFFFFF.
    private static func readZIP64(_ bytes: [UInt8], _ start: Int, _ length: Int, into entry: inout Entry) {
        var position = start
        while position + 4 <= start + length {
            let id = u16(bytes, position), size = Int(u16(bytes, position + 2))
            guard position + 4 + size <= start + length else { return }
            if id == 1 {
                var field = position + 4
                func take(_ value: inout UInt64) {
                    guard value == 0xFFFF_FFFF, field + 8 <= position + 4 + size else { return }
                    value = u64(bytes, field)
                    field += 8
                }
                take(&entry.uncompressedSize)
                take(&entry.compressedSize)
                take(&entry.localHeaderOffset)
                return
            }
            position += 4 + size
        }
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(u16(bytes, at)) | UInt32(u16(bytes, at + 2)) << 16
    }

    private static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        UInt64(u32(bytes, at)) | UInt64(u32(bytes, at + 4)) << 32
    }
}
