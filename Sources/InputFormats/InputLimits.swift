import Foundation

/// The largest inputs CaseWatch takes from files, feeds, lists and requests written by others, in one place.
///
/// Each limit is generous for real input (the Ministry's lists are a few MB, a registry of 100,000 cases in JSON
/// about 100 MB) and small beside the memory a hostile input could otherwise take. Input over a limit is refused
/// with its file or address and the limit named, before it is parsed (and, for a file, before it is read whole).
package enum InputLimits {
    /// A YAML file, parsed whole: a case file, a subscriber file, the configuration, a gazetteer file (32 MiB).
    package static let yamlFile = 32 << 20
    /// A JSON case file of a registry folder, streamed in a window at a time (1 GiB).
    package static let jsonCaseFile = 1 << 30
    /// A registry feed's body, or an official list's file or download (64 MiB).
    package static let listBody = 64 << 20
    /// One part of an XLSX workbook once decompressed (200 MiB): a zip bomb stops there, not at its full size.
    package static let xlsxPart = 200 << 20
    /// A template file (1 MiB).
    package static let template = 1 << 20
    /// The body of a request to the daemon's HTTP endpoints: an unsubscribe or preferences form (64 KiB).
    package static let requestBody = 64 << 10
    /// How deep lists and maps may nest in YAML and JSON: far more than any case, list or subscriber needs (they
    /// nest a few levels), and refused before the recursive readers spend their stack on it.
    package static let nesting = 256

    /// A size in the units people read: `32 MiB`, `64 KiB`, `1 GiB`.
    package static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// Why a file could not be read within its limit.
    package enum ReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
        case tooLarge(limit: Int)
        case unreadable(String)

        package var description: String {
            switch self {
            case .tooLarge(let limit): "larger than the limit of \(InputLimits.describe(limit)); it was not read"
            case .unreadable(let reason): "cannot read: \(reason)"
            }
        }
    }

    /// Reads the file at `path` whole, refusing it (before reading) when it holds more than `limit` bytes; a file
    /// that grows while it is read is refused too, as nothing past the limit is read.
    package static func read(_ path: String, limit: Int) throws(ReadFailure) -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw .unreadable("it is a folder") }
        guard status.st_size <= limit else { throw .tooLarge(limit: limit) }
        var data = Data(count: min(Int(status.st_size), limit) + 1)
        var count = 0
        let failure: Int32? = data.withUnsafeMutableBytes { buffer in
            while count < buffer.count {
                let read = Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if read > 0 {
                    count += read
                } else if read < 0, errno == EINTR {
                    continue
                } else {
                    return read < 0 ? errno : nil
                }
            }
            return nil
        }
        if let failure { throw .unreadable(String(cString: strerror(failure))) }
        if count > limit { throw .tooLarge(limit: limit) }
        // A file that grew since `fstat` is read up to one byte past its size then: read on to see whether it
        // stays within the limit.
        if count == data.count {
            var more = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let read = Foundation.read(descriptor, &more, more.count)
                if read > 0 {
                    data.append(contentsOf: more[..<read])
                    count += read
                    if count > limit { throw .tooLarge(limit: limit) }
                } else if read < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        data.count = count
        return data
    }
}
