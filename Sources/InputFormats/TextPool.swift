import Foundation

/// The values of fields that repeat across a registry — the courts, the claimants — made into strings
/// once per file and shared by every case that names them, instead of a copy per case.
///
/// Short values are left out (Swift keeps up to 15 bytes inside the string itself), and the pool stops
/// taking new values once it holds ``limit``, so values that do not repeat cost little.
package final class TextPool {
    static let limit = 4096
    private var texts: [Key: String] = [:]

    package init() {}

    /// The text the bytes spell, the same string each time they recur; nil when they are not UTF-8.
    func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.count <= 15 { return String(validating: bytes, as: UTF8.self) }
        if let text = texts[.bytes(bytes)] { return text }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        if texts.count < Self.limit { texts[.text(text)] = text }
        return text
    }

    /// A value by its UTF-8 bytes: those of a string kept, or those being read (only to look one up).
    private enum Key: Hashable {
        case text(String)
        case bytes(UnsafeBufferPointer<UInt8>)

        func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
            switch self {
            case .text(var text): text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            case .bytes(let bytes): body(UnsafeRawBufferPointer(bytes))
            }
        }

        func hash(into hasher: inout Hasher) {
            withBytes { hasher.combine(bytes: $0) }
        }

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.withBytes { left in rhs.withBytes { right in left.elementsEqual(right) } }
        }
    }
}

@available(*, unavailable)
extension TextPool: Sendable {}
