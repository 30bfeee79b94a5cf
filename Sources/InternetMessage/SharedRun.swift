/// Base64 lines that a family of messages share (see ``BodyEncodingCache``): one alert's body, sent to many
/// readers. Immutable once made, so messages of the family can point at it instead of carrying a copy.
public final class SharedLines: Sendable {
    /// Whole base64 lines, each ending in CRLF.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}

/// Where a message repeats shared lines: its octets `offset ..< offset + count` are `lines.bytes[0 ..< count]`.
///
/// A store can keep `lines` once and, for each message, only the octets around its runs.
public struct SharedRun: Sendable, Equatable {
    public let lines: SharedLines
    public let offset: Int
    public let count: Int

    public init(lines: SharedLines, offset: Int, count: Int) {
        precondition(count >= 0 && count <= lines.bytes.count, "a shared run is a prefix of its lines")
        self.lines = lines
        self.offset = offset
        self.count = count
    }

    public static func == (left: SharedRun, right: SharedRun) -> Bool {
        left.lines === right.lines && left.offset == right.offset && left.count == right.count
    }
}

/// An encoded message and the runs of it that come from shared lines, in order of `offset`.
public struct SharedEncoding: Sendable {
    public let bytes: [UInt8]
    public let runs: [SharedRun]
}
