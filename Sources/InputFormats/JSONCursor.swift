import Foundation

/// The plain part of JSON read straight from bytes, for the fast path of case files: objects, arrays,
/// `null` and strings without escapes.
///
/// Anything else is not its business: it declines (throws ``Decline``) and the caller reads the same
/// bytes again with ``JSONSource``, whose tree says what is wrong and where. So it has no messages,
/// only the line breaks it crossed, which the caller adds to its line count.
package struct JSONCursor {
    /// Not a problem in the input: only "read this the slow way".
    package struct Decline: Error {
        package init() {}
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    package private(set) var index: Int
    /// Line breaks crossed so far (strings cannot hold one: only white space does).
    package private(set) var newlines = 0

    package init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) {
        self.bytes = bytes
        self.index = index
    }

    private mutating func skipWhitespace() {
        index = bytes.skippingJSONWhitespace(from: index, lines: &newlines)
    }

    /// Takes `byte` if it comes next after white space.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ byte: UInt8) throws(Decline) {
        guard take(byte) else { throw Decline() }
    }

    /// `read` of the value that comes next, or nil for `null`.
    package mutating func nullable<Value>(_ read: (inout JSONCursor) throws(Decline) -> Value) throws(Decline) -> Value? {
        skipWhitespace()
        if bytes.count - index >= 4, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
           bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        {
            index += 4
            return nil
        }
        return try read(&self)
    }

    /// Whether an object comes next (after white space).
    package mutating func objectFollows() -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == UInt8(ascii: "{")
    }

    /// The bytes of a string with neither escapes nor control characters.
    package mutating func rawString() throws(Decline) -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<index - 1])
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { throw Decline() }
            index += 1
        }
        throw Decline()
    }

    /// A string that is valid UTF-8.
    package mutating func string() throws(Decline) -> String {
        guard let text = String(validating: try rawString(), as: UTF8.self) else { throw Decline() }
        return text
    }

    /// A string that is valid UTF-8, shared with its earlier occurrences through `pool`.
    package mutating func string(from pool: TextPool) throws(Decline) -> String {
        guard let text = pool.text(try rawString()) else { throw Decline() }
        return text
    }

    /// A string that is one of `vocabulary`'s words.
    package mutating func word<Value>(_ vocabulary: ByteVocabulary<Value>) throws(Decline) -> Value {
        guard let value = vocabulary.value(of: try rawString()) else { throw Decline() }
        return value
    }

    /// A whole number of at most 12 digits, with no sign, fraction or exponent.
    package mutating func wholeNumber() throws(Decline) -> Int {
        skipWhitespace()
        var value = 0
        var digits = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard (1...12).contains(digits), index < bytes.count,
              ![UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
        else { throw Decline() }
        return value
    }

    /// A list of strings.
    package mutating func strings() throws(Decline) -> [String] {
        var strings: [String] = []
        try array { json throws(Decline) in strings.append(try json.string()) }
        return strings
    }

    package mutating func array(_ element: (inout JSONCursor) throws(Decline) -> Void) throws(Decline) {
        try expect(UInt8(ascii: "["))
        if take(UInt8(ascii: "]")) { return }
        repeat {
            try element(&self)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    /// An object whose keys are all words of `keys`, none twice (a key repeated or unknown is a problem
    /// for ``MapReader`` to report); `field` reads the value of each.
    package mutating func object<Key>(keys: ByteVocabulary<Key>, _ field: (inout JSONCursor, Key) throws(Decline) -> Void)
        throws(Decline)
    {
        try expect(UInt8(ascii: "{"))
        if take(UInt8(ascii: "}")) { return }
        var seen: UInt64 = 0
        repeat {
            guard let position = keys.position(of: try rawString()), seen & (1 << UInt64(position)) == 0 else {
                throw Decline()
            }
            seen |= 1 << UInt64(position)
            try expect(UInt8(ascii: ":"))
            try field(&self, keys[position])
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }
}
