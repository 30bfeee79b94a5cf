import Foundation
import InternetMessage
import Testing

/// The byte-level rules of RFC 5322 and RFC 2045–2047 that a lenient parser would not report.
@Suite("Wire format")
struct WireFormatTests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let make: @Sendable () throws -> EmailMessage
    }

    static let samples: [Sample] = [
        Sample(testDescription: "Cyrillic alert with HTML") { try MessageFixtures.alert() },
        Sample(testDescription: "French subject, text only") {
            try MessageFixtures.alert(subject: MessageFixtures.frenchSubject, html: nil)
        },
        Sample(testDescription: "300 Cyrillic characters") {
            try MessageFixtures.alert(subject: String(repeating: "Ж", count: 300))
        },
        Sample(testDescription: "long ASCII subject") {
            try MessageFixtures.alert(subject: String(repeating: "Appeal dismissed by the court. ", count: 12))
        },
        Sample(testDescription: "emoji and combining marks") {
            try MessageFixtures.alert(subject: "👨‍👩‍👧‍👦 🇷🇺 e" + String(repeating: "\u{301}", count: 60) + " конец")
        },
        Sample(testDescription: "bodies with long lines and mixed line ends") {
            var message = try MessageFixtures.alert()
            message.textBody = String(repeating: "Ликвидация ", count: 400) + "\rend\n\r\nlast"
            message.htmlBody = "<p>" + String(repeating: "é", count: 3000) + "</p>\n"
            return message
        },
    ]

    @Test("every line ends in CRLF and none is longer than 998 octets", arguments: samples)
    func lineEnds(_ sample: Sample) throws {
        let wire = WireMessage(bytes: try sample.make().encoded(boundarySeed: "seed"))
        #expect(!wire.hasBareLineBreak)
        #expect(wire.bytes.suffix(2) == [13, 10])
        #expect(wire.longestLine <= 998)
    }

    @Test("the message is 7-bit ASCII", arguments: samples)
    func sevenBit(_ sample: Sample) throws {
        let bytes = try sample.make().encoded(boundarySeed: "seed")
        #expect(bytes.allSatisfy { $0 < 0x80 && $0 != 0 })
    }

    @Test("header lines stay within 78 columns, 76 when they carry an encoded-word", arguments: samples)
    func headerWidth(_ sample: Sample) throws {
        let wire = WireMessage(bytes: try sample.make().encoded(boundarySeed: "seed"))
        for line in wire.headerLines {
            #expect(line.utf8.count <= (line.contains("=?") ? 76 : 78), "\(line)")
        }
    }

    @Test("every encoded-word is at most 75 characters and is valid UTF-8 by itself", arguments: samples)
    func encodedWords(_ sample: Sample) throws {
        for word in WireMessage(bytes: try sample.make().encoded(boundarySeed: "seed")).encodedWords {
            #expect(word.utf8.count <= 75, "\(word)")
            let payload = try #require(WireMessage.payload(ofEncodedWord: word), "\(word)")
            #expect(WireMessage.utf8Text(payload) != nil, "\(word)")
        }
    }

    @Test("body lines are base64 of 76 characters at most", arguments: samples)
    func bodyLines(_ sample: Sample) throws {
        let wire = WireMessage(bytes: try sample.make().encoded(boundarySeed: "seed"))
        for part in wire.partLines {
            let body = part.drop { !$0.isEmpty }.dropFirst()
            #expect(body.allSatisfy { $0.utf8.count <= 76 && $0.allSatisfy(Self.isBase64) })
        }
    }

    static func isBase64(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "+/=".contains(character))
    }

    @Test("bodies given with LF, CR or CRLF line ends are sent with CRLF")
    func canonicalLineEnds() throws {
        var message = try MessageFixtures.alert()
        message.textBody = "one\ntwo\r\nthree\rfour\n\nfive"
        message.htmlBody = "<p>un</p>\n<p>deux</p>\r\n"
        let parts = WireMessage(bytes: try message.encoded(boundarySeed: "seed")).decodedParts
        #expect(
            parts == [Data("one\r\ntwo\r\nthree\r\nfour\r\n\r\nfive".utf8), Data("<p>un</p>\r\n<p>deux</p>\r\n".utf8)])
    }

    @Test("the boundary comes from the seed, and occurs only as delimiters")
    func boundary() throws {
        let message = try MessageFixtures.alert()
        let first = WireMessage(bytes: try message.encoded(boundarySeed: "evt_1/coe"))
        let again = WireMessage(bytes: try message.encoded(boundarySeed: "evt_1/coe"))
        let other = WireMessage(bytes: try message.encoded(boundarySeed: "evt_2/coe"))
        let boundary = try #require(first.boundary)
        #expect(first.bytes == again.bytes)
        #expect(other.boundary != boundary)
        #expect(boundary.hasPrefix("=_") && boundary.count <= 70)
        #expect(first.lines.filter { $0.contains(boundary) }.count == 4)  // Content-Type, two delimiters, close.
        #expect(first.lines.filter { $0 == "--\(boundary)" }.count == 2)
        #expect(first.lines.last == "--\(boundary)--")
    }

    @Test("header fields come in a fixed order, the text part before the HTML part")
    func order() throws {
        let wire = WireMessage(bytes: try MessageFixtures.alert().encoded(boundarySeed: "seed"))
        let names = wire.headerLines.filter { !$0.hasPrefix(" ") }.compactMap { $0.split(separator: ":").first }
        #expect(
            names == [
                "Date", "From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "MIME-Version",
                "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted", "Content-Language", "Content-Type",
            ])
        #expect(wire.field("Date") == " Thu, 26 Nov 2026 10:00:00 +0000")
        #expect(wire.field("List-Unsubscribe") == " <https://casewatch.example.org/unsubscribe?s=coe&t=abc123>")
        #expect(wire.field("List-Unsubscribe-Post") == " List-Unsubscribe=One-Click")
        #expect(
            wire.partLines.map { $0.first } == [
                "Content-Type: text/plain; charset=utf-8", "Content-Type: text/html; charset=utf-8",
            ])
    }

    @Test("References carries In-Reply-To when the references lack it")
    func threading() throws {
        var message = try MessageFixtures.alert()
        message.references = []
        let wire = WireMessage(bytes: try message.encoded(boundarySeed: "seed"))
        #expect(wire.field("In-Reply-To") == " <case_mhg.root@casewatch.example.org>")
        #expect(wire.field("References") == " <case_mhg.root@casewatch.example.org>")
        message.inReplyTo = nil
        let root = WireMessage(bytes: try message.encoded(boundarySeed: "seed"))
        #expect(root.field("In-Reply-To") == nil && root.field("References") == nil)
    }

    @Test("a long ASCII subject is folded at its spaces, not encoded")
    func asciiFolding() throws {
        let subject = "Appeal dismissed: the Moscow City Court upheld the liquidation of the Moscow Helsinki Group"
        let wire = WireMessage(bytes: try MessageFixtures.alert(subject: subject).encoded(boundarySeed: "seed"))
        #expect(wire.field("Subject") == " " + subject)
        #expect(wire.fieldLines("Subject").count == 2)
        #expect(wire.fieldLines("Subject").allSatisfy { $0.utf8.count <= 78 && !$0.contains("=?") })
    }

    @Test(
        "display names are written as atoms, quoted or encoded as they need",
        arguments: [
            ("CaseWatch Alerts", "From: CaseWatch Alerts <alerts@example.org>"),
            ("Watch, Case", "From: \"Watch, Case\" <alerts@example.org>"),
            ("Say \"hi\" \\o/", #"From: "Say \"hi\" \\o/" <alerts@example.org>"#),
            ("Élise", "From: =?UTF-8?B?w4lsaXNl?= <alerts@example.org>"),
        ])
    func displayNames(name: String, line: String) throws {
        var message = try MessageFixtures.alert()
        message.from = try MailAddress(address: "alerts@example.org", displayName: name)
        let wire = WireMessage(bytes: try message.encoded(boundarySeed: "seed"))
        #expect(wire.headerLines.contains(line))
    }
}
