import Foundation

/// A closed set of words — the keys of a case file, the names of statuses — recognised from their UTF-8
/// bytes without making a `String` of them first.
package struct ByteVocabulary<Value: Sendable>: Sendable {
    private let words: [(bytes: [UInt8], value: Value)]

    init(_ words: [(String, Value)]) {
        precondition(words.count <= 64, "positions are bits of a UInt64")
        self.words = words.map { (Array($0.0.utf8), $0.1) }
    }

    /// Every case of `type`, by its raw value.
    package init(_ type: Value.Type) where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        self.init(type.allCases.map { ($0.rawValue, $0) })
    }

    /// The word `bytes` spell and its position in the vocabulary.
    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> (position: Int, value: Value)? {
        for (position, word) in words.enumerated() where word.bytes.count == bytes.count {
            let equal = word.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            if equal { return (position, word.value) }
        }
        return nil
    }

    func value(of bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        match(bytes)?.value
    }
}
