import Crypto

/// A short digest of a case's canonical JSON: equal digests mean an unchanged case.
public struct SnapshotDigest: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(_ canonicalJSON: [UInt8]) {
        bytes = Array(SHA256.hash(data: canonicalJSON).prefix(16))
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
