import Foundation
import InternetMessage
import Testing

@Suite("Read back by Python's email package")
struct PythonRoundTripTests {
    @Test("a Cyrillic alert with French HTML reads back exactly, without defects")
    func multipartAlert() async throws {
        let message = try MessageFixtures.alert()
        let parsed = try await PythonEmailParser.parse(try message.encoded(boundarySeed: "evt_01hx3kq/coe"))

        #expect(parsed.subject == MessageFixtures.cyrillicSubject)
        #expect(parsed.from == [.init(name: "Наблюдение за делами", address: "alerts@casewatch.example.org")])
        #expect(
            parsed.to == [
                .init(name: "Bureau de la Commissaire", address: "commissioner@coe.example.int"),
                .init(name: "", address: "watch@example.org"),
                .init(name: "Watch, Legal \"Team\"", address: "legal@example.org"),
            ])
        #expect(parsed.date == "2026-11-26T10:00:00+00:00")
        #expect(parsed.messageID == "<evt_01hx3kq.coe@casewatch.example.org>")
        #expect(parsed.inReplyTo == "<case_mhg.root@casewatch.example.org>")
        #expect(
            parsed.references == "<case_mhg.root@casewatch.example.org> <evt_01hx1aa.coe@casewatch.example.org>")
        #expect(parsed.listUnsubscribe == "<https://casewatch.example.org/unsubscribe?s=coe&t=abc123>")
        #expect(parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
        #expect(parsed.headers.contains(["Auto-Submitted", "auto-generated"]))
        #expect(parsed.headers.contains(["Content-Language", "ru"]))
        #expect(parsed.headers.contains(["MIME-Version", "1.0"]))

        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(parsed.parts.allSatisfy { $0.charset == "utf-8" && $0.transferEncoding == "base64" })
        #expect(parsed.parts.map(\.defects) == [[], []])
        #expect(
            parsed.parts.map(\.body) == [
                MessageFixtures.crlf(MessageFixtures.cyrillicText), MessageFixtures.crlf(MessageFixtures.frenchHTML),
            ])
    }

    @Test("a message without HTML is a single text/plain part")
    func singlePart() async throws {
        let message = try MessageFixtures.alert(subject: MessageFixtures.frenchSubject, html: nil)
        let parsed = try await PythonEmailParser.parse(try message.encoded(boundarySeed: "unused"))
        #expect(parsed.subject == MessageFixtures.frenchSubject)
        #expect(parsed.contentType == "text/plain")
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.parts.count == 1)
        #expect(parsed.parts.first?.body == MessageFixtures.crlf(MessageFixtures.cyrillicText))
        #expect(parsed.parts.first?.defects == [])
    }

    @Test("empty bodies read back empty, without defects")
    func emptyBodies() async throws {
        var message = try MessageFixtures.alert()
        message.textBody = ""
        message.htmlBody = ""
        let parsed = try await PythonEmailParser.parse(try message.encoded(boundarySeed: "seed"))
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(parsed.parts.map(\.body) == ["", ""])
        #expect(parsed.parts.map(\.defects) == [[], []])
    }

    static let subjects: [String] = [
        MessageFixtures.cyrillicSubject,
        MessageFixtures.frenchSubject,
        String(repeating: "Мосгорсуд ", count: 30).trimmingCharacters(in: .whitespaces),
        String(repeating: "Ликвидация", count: 30),
        "Appeal dismissed: the Moscow City Court upheld the liquidation of the Moscow Helsinki Group on 25 January",
        "Spacing  kept   as\tgiven",
        " leading and trailing spaces ",
        "Looks encoded =?UTF-8?B?SGk=?= but is not",
        "A single word longer than a line: " + String(repeating: "x", count: 120),
        "Family 👨‍👩‍👧‍👦 and flags 🇷🇺🇫🇷 and a long cluster e" + String(repeating: "\u{301}", count: 40),
        "",
    ]

    @Test("subjects decode to exactly the text given", arguments: subjects)
    func subjectRoundTrip(subject: String) async throws {
        let message = try MessageFixtures.alert(subject: subject)
        let parsed = try await PythonEmailParser.parse(try message.encoded(boundarySeed: "seed"))
        #expect(parsed.subject == subject)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    /// Names that go as atoms, one quoted-string or one encoded-word; longer ones are tested below.
    static let displayNames: [String] = [
        "CaseWatch", "CaseWatch Alerts", "Watch, Case", "O'Brien (legal)", "Say \"hi\" \\ bye",
        "Наблюдение за делами", "Élise Müller", "Looks =?UTF-8?B?SGk=?= encoded",
        Array(repeating: "Very long, quoted", count: 8).joined(separator: " "),
    ]

    @Test("display names decode to exactly the text given", arguments: displayNames)
    func displayNameRoundTrip(name: String) async throws {
        let parsed = try await PythonEmailParser.parse(try Self.message(withDisplayName: name))
        #expect(parsed.from == [.init(name: name, address: "alerts@example.org")])
        #expect(parsed.to.first == .init(name: name, address: "first@example.org"))
        #expect(parsed.to.count == 4)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    /// Python 3.11 keeps the folding whitespace between a display name's encoded-words, which RFC 2047 §6.2 says
    /// to drop (CPython gh-128110, fixed later), so it reads a doubled space wherever one word ends. The message
    /// ends words after spaces so that this is all it gets wrong; `EncodedWordTests` checks the exact decoding.
    @Test("a display name longer than one encoded-word reads back with at most doubled spaces")
    func longDisplayName() async throws {
        let name = Array(repeating: "Московская Хельсинкская группа", count: 4).joined(separator: " ")
        let parsed = try await PythonEmailParser.parse(try Self.message(withDisplayName: name))
        #expect(parsed.from.first?.name.replacingOccurrences(of: "  ", with: " ") == name)
        #expect(parsed.to.first?.name.replacingOccurrences(of: "  ", with: " ") == name)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    /// The fixture alert, from `name` and to `name` (before the other recipients).
    static func message(withDisplayName name: String) throws -> [UInt8] {
        var message = try MessageFixtures.alert()
        message.from = try MailAddress(address: "alerts@example.org", displayName: name)
        message.to.insert(try MailAddress(address: "first@example.org", displayName: name), at: 0)
        return try message.encoded(boundarySeed: "seed")
    }
}
