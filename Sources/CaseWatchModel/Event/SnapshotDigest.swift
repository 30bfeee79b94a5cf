import Crypto

/// A short digest of a case's canonical JSON: equal digests mean an unchanged case.
///
/// The 16 bytes are held inline as two words, not in an array: a run keeps one per case, from the store
/// and from the registry, so an array each was 200,000 allocations at 100,000 cases.
package struct SnapshotDigest: Sendable, Hashable {
    private let head: UInt64
    private let tail: UInt64

    package init(_ canonicalJSON: [UInt8]) {
        self = SHA256.hash(data: canonicalJSON).withUnsafeBytes { SnapshotDigest(prefixOf: $0) }
    }

    /// A digest as the store keeps it; CaseWatch has only ever stored 16 bytes.
    package init(bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { SnapshotDigest(prefixOf: $0) }
    }

    /// The first 16 bytes of `raw`, zero-padded if shorter.
    private init(prefixOf raw: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(16))) }
        (head, tail) = words
    }

    package var bytes: [UInt8] {
        withUnsafeBytes(of: (head, tail)) { Array($0) }
    }

    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
