import Testing

@testable import InternetMessage

/// `EncodedWord` cuts text made only of "simple" scalars on its octets instead of its characters; that is right only
/// if each of those scalars is a character of its own next to any other, as `String` segments text.
@Suite("Simple scalars")
struct SimpleScalarTests {
    @Test("every simple scalar is a grapheme cluster of its own beside letters, spaces and itself")
    func simpleScalarsStandAlone() {
        var checked = 0
        for value in UInt32(0)...0x10FFFF where EncodedWord.isSimple(value) {
            guard let scalar = Unicode.Scalar(value) else {
                Issue.record("U+\(String(value, radix: 16)) is not a scalar")
                continue
            }
            let text = String(Character(scalar))
            // A scalar that joins what follows (Prepend), is joined to what precedes (Extend, SpacingMark, ZWJ) or
            // pairs with itself (regional indicators, Hangul jamo) fails one of these.
            for pair in ["a" + text, text + "a", " " + text, text + " ", text + text, "ж" + text, text + "ж"] {
                #expect(pair.count == 2, "U+\(String(value, radix: 16))")
            }
            #expect(text != " " || value == 0x20)
            checked += 1
        }
        #expect(checked > 900)
    }
}
