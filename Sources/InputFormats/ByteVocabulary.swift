import Foundation

/// A closed set of words — the keys of a case file, the names of statuses — recognised from their UTF-8
/// bytes without making a `String` of them first.
package struct ByteVocabulary<Value: Sendable>: Sendable {
    // Two parallel arrays rather than one of tuples: the readers that use a vocabulary live in other modules, where
    // its generic code runs unspecialised, and walking an array of `(bytes, value)` tuples there instantiates tuple
    // metadata on every key read (six times slower on a large registry).
    private let words: [[UInt8]]
    private let values: [Value]

    init(_ words: [(String, Value)]) {
        precondition(words.count <= 64, "positions are bits of a UInt64")
        self.words = words.map { Array($0.0.utf8) }
        self.values = words.map(\.1)
    }

    /// Every case of `type`, by its raw value.
    package init(_ type: Value.Type) where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        self.init(type.allCases.map { ($0.rawValue, $0) })
    }

    /// The position of the word `bytes` spell, or nil.
    func position(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = 0
        while position < words.count {
            let word = words[position]
            if word.count == bytes.count,
               word.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
            {
                return position
            }
            position += 1
        }
        return nil
    }

    /// The word `bytes` spell and its position in the vocabulary.
    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> (position: Int, value: Value)? {
        guard let position = position(of: bytes) else { return nil }
        return (position, values[position])
    }

    subscript(position: Int) -> Value { values[position] }

    func value(of bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        position(of: bytes).map { values[$0] }
    }
}
