import Foundation
import InternetMessage
import Testing

/// RFC 2047 splitting: words of at most 75 characters, whole characters in each, decoded back exactly by
/// concatenation (RFC 2047 §6.2 drops the whitespace between adjacent encoded-words).
@Suite("Encoded-words")
struct EncodedWordTests {
    /// The decoded payloads of the encoded-words in one header field, in order.
    func payloads(of field: String, in message: EmailMessage) throws -> [Data] {
        let wire = WireMessage(bytes: try message.encoded(boundarySeed: "seed"))
        let words = wire.fieldLines(field).flatMap { line in line.matches(of: /=\?[^?]+\?B\?[^?]*\?=/) }
        return try words.map { word in try #require(WireMessage.payload(ofEncodedWord: String(word.output))) }
    }

    @Test("300 Cyrillic characters split into several encoded-words, none splitting a character")
    func longCyrillicSubject() throws {
        let subject = String((0..<300).map { index in Array("абвгдеёжзийклмнопрстуфхцчшщъыьэюя ")[index % 34] })
        let payloads = try payloads(of: "Subject", in: MessageFixtures.alert(subject: subject))
        #expect(payloads.count >= 12)  // 600-odd octets, 45 at most per word.
        let texts = payloads.map { WireMessage.utf8Text($0) }
        #expect(texts.allSatisfy { $0 != nil })
        #expect(texts.compactMap { $0 }.joined() == subject)
    }

    @Test("a grapheme cluster longer than an encoded-word splits between its scalars only")
    func longCluster() throws {
        let subject = "e" + String(repeating: "\u{301}", count: 60)  // 121 octets in one Character
        let payloads = try payloads(of: "Subject", in: MessageFixtures.alert(subject: subject))
        #expect(payloads.count == 3)
        let texts = payloads.compactMap(WireMessage.utf8Text)
        #expect(texts.count == payloads.count)
        #expect(texts.joined() == subject)
    }

    @Test("a long display name breaks after spaces and concatenates back exactly")
    func longDisplayName() throws {
        let name = Array(repeating: "Московская Хельсинкская группа", count: 4).joined(separator: " ")
        var message = try MessageFixtures.alert()
        message.from = try MailAddress(address: "alerts@example.org", displayName: name)
        let texts = try payloads(of: "From", in: message).compactMap(WireMessage.utf8Text)
        #expect(texts.count > 1)
        #expect(texts.joined() == name)
        #expect(texts.dropLast().allSatisfy { $0.hasSuffix(" ") })
    }

    @Test("a short display name late in a To list is kept in one encoded-word")
    func shortNameNotSplit() throws {
        var message = try MessageFixtures.alert()
        message.to.append(try MailAddress(address: "mhg@example.org", displayName: "Московская Хельсинкская"))
        let payloads = try payloads(of: "To", in: message)
        #expect(payloads.map { String(decoding: $0, as: UTF8.self) } == ["Московская Хельсинкская"])
    }
}
