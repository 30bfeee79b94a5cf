import Foundation
import InternetMessage
import Testing

/// `encoded(boundarySeed:)` writes bytes directly; the messages must be the very bytes the straightforward
/// String-based encoder (`ReferenceEncoder.swift`, the previous implementation) gives, and the errors the same
/// errors, for every kind of value.
@Suite("Encoding matches the reference encoder")
struct ReferenceEncodingTests {
    /// A deterministic generator (SplitMix64), so a failure can be reproduced from its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    static let words = [
        "Moscow", "Helsinki", "Group", "liquidation", "—", "суд", "постановил", "ликвидировать", "Groupe",
        "d’appel", "décision", "«\u{A0}fin\u{A0}»", "=?", "=?UTF-8?B?abc?=", "a", "", " ", "  ", "\t", "👨‍👩‍👧‍👦",
        "🇷🇺", "e\u{301}\u{301}", "\"quoted\"", "back\\slash", "O'Neill", "(7)", "<x>", "&", "Watch,", "x@y",
        String(repeating: "a", count: 80), String(repeating: "ж", count: 40), "e" + String(repeating: "\u{301}", count: 30),
        "Ω", "\u{7F}", "\u{1}", "ñ", "日本語", ":", ";", "token-value",
    ]
    static let bodyPieces = [
        "Мосгорсуд оставил в силе решение.", "\n", "\r\n", "\r", "\n\n", "\r\r\n", "<p>Prochaine audience\u{A0}:</p>",
        String(repeating: "Ликвидация ", count: 30), "é", "a", "ab", "abc", "", "👨‍👩‍👧‍👦", "\u{0}",
    ]

    static func text(_ pieces: [String], count: Int, using generator: inout Generator) -> String {
        (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    static func phrase(using generator: inout Generator) -> String {
        let count = Int.random(in: 0...6, using: &generator)
        return (0..<count).map { _ in words.randomElement(using: &generator)! }
            .joined(separator: ["", " ", "  "].randomElement(using: &generator)!)
    }

    static func address(using generator: inout Generator) -> MailAddress {
        let local = ["alerts", "a.b", "x_y+z", "commissioner", String(repeating: "l", count: 64)]
            .randomElement(using: &generator)!
        let domain = ["example.org", "coe.example.int", "localhost", "LOCALHOST", "x-y.example", "a.b.c.d.e.example"]
            .randomElement(using: &generator)!
        var name: String? = Bool.random(using: &generator) ? phrase(using: &generator) : nil
        if name?.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) == true { name = nil }
        return try! MailAddress(address: "\(local)@\(domain)", displayName: name)
    }

    static func message(seed: UInt64) -> (EmailMessage, String) {
        var generator = Generator(state: seed)
        let recipients = (0..<Int.random(in: 1...4, using: &generator)).map { _ in address(using: &generator) }
        var message = EmailMessage(
            from: address(using: &generator), to: recipients, subject: phrase(using: &generator),
            date: Date(timeIntervalSince1970: Double.random(in: -70_000_000_000...260_000_000_000, using: &generator)),
            messageID: ["evt_01hx3kq.coe@casewatch.example.org", "a@b", "x.y.z@example.org"]
                .randomElement(using: &generator)!,
            textBody: text(bodyPieces, count: Int.random(in: 0...40, using: &generator), using: &generator))
        if Bool.random(using: &generator) {
            message.htmlBody = text(bodyPieces, count: Int.random(in: 0...60, using: &generator), using: &generator)
        }
        if Bool.random(using: &generator) { message.inReplyTo = "case.mhg@casewatch.example.org" }
        message.references = Array(["case.mhg@casewatch.example.org", "evt_1.coe@example.org", "r@x.org"]
            .shuffled(using: &generator).prefix(Int.random(in: 0...3, using: &generator)))
        if Bool.random(using: &generator) {
            message.listUnsubscribe = [
                "https://alerts.example.org/unsubscribe?token=subscriber-1.abcdef",
                "HTTPS://EXAMPLE.ORG/" + String(repeating: "u", count: 120),
            ].randomElement(using: &generator)!
        }
        message.extraHeaders = (0..<Int.random(in: 0...3, using: &generator)).map { index in
            let name = ["Auto-Submitted", "Content-Language", "X-CaseWatch", "X-Tokens"][index]
            let value = ["auto-generated", "ru", "case.status_changed evt_123", "  a b\tc  ",
                         Array(repeating: "token-value", count: 12).joined(separator: " ")]
                .randomElement(using: &generator)!
            return (name, value)
        }
        return (message, "seed-\(seed)")
    }

    static func outcome(_ encode: () throws(MessageError) -> [UInt8]) -> Result<[UInt8], MessageError> {
        do throws(MessageError) { return .success(try encode()) } catch { return .failure(error) }
    }

    @Test("random messages encode to the same bytes", arguments: 0..<8)
    func randomMessages(batch: Int) {
        for index in 0..<500 {
            let seed = UInt64(batch * 500 + index)
            let (message, boundarySeed) = Self.message(seed: seed)
            let fast = Self.outcome { () throws(MessageError) in try message.encoded(boundarySeed: boundarySeed) }
            let reference = Self.outcome { () throws(MessageError) in
                try RefMessage(message: message).encoded(boundarySeed: boundarySeed)
            }
            #expect(fast == reference, "seed \(seed)")
        }
    }

    static let invalid: [(String, @Sendable (inout EmailMessage) -> Void)] = [
        ("no recipient", { $0.to = [] }),
        ("bad sender address", { $0.from.address = "a b@example.org" }),
        ("non-ASCII address", { $0.to[0].address = "дело@example.org" }),
        ("angle brackets in address", { $0.to[0].address = "<a@example.org>" }),
        ("two @", { $0.to[0].address = "a@b@example.org" }),
        ("long local part", { $0.to[0].address = String(repeating: "l", count: 65) + "@example.org" }),
        ("bad domain", { $0.to[0].address = "a@-example.org" }),
        ("one-label domain", { $0.to[0].address = "a@example" }),
        ("CR in display name", { $0.to[0].displayName = "a\rb" }),
        ("LF in subject", { $0.subject = "a\nb" }),
        ("message id with brackets", { $0.messageID = "<a@b>" }),
        ("message id with a combining mark", { $0.messageID = "<\u{338}a@b>" }),
        ("message id without @", { $0.messageID = "ab" }),
        ("message id with two @", { $0.messageID = "a@b@c" }),
        ("message id with empty atom", { $0.messageID = "a..b@c" }),
        ("bad In-Reply-To", { $0.inReplyTo = "дело@example.org" }),
        ("bad reference", { $0.references = ["ok@example.org", "not ok@example.org"] }),
        ("http unsubscribe", { $0.listUnsubscribe = "http://example.org/u" }),
        ("unsubscribe with space", { $0.listUnsubscribe = "https://example.org/u v" }),
        ("unsubscribe with control", { $0.listUnsubscribe = "https\u{1A}//example.org/u" }),
        ("non-ASCII unsubscribe", { $0.listUnsubscribe = "https://пример.org/u" }),
        ("reserved extra header", { $0.extraHeaders = [("SUBJECT", "x")] }),
        ("reserved extra header, mixed case", { $0.extraHeaders = [("List-Unsubscribe-Post", "x")] }),
        ("extra header name with colon", { $0.extraHeaders = [("X-A:", "x")] }),
        ("empty extra header name", { $0.extraHeaders = [("", "x")] }),
        ("extra header value with DEL", { $0.extraHeaders = [("X-A", "a\u{7F}")] }),
        ("extra header value non-ASCII", { $0.extraHeaders = [("X-A", " é ")] }),
        ("extra header value with CRLF", { $0.extraHeaders = [("X-A", "a\r\nb")] }),
        ("overlong extra header", { $0.extraHeaders = [("X-A", String(repeating: "a", count: 1000))] }),
        ("overlong message id and bad extra header", {
            $0.messageID = String(repeating: "a", count: 1000) + "@example.org"
            $0.extraHeaders = [("X-A", "é")]
        }),
        ("overlong message id", { $0.messageID = String(repeating: "a", count: 1000) + "@example.org" }),
        ("overlong unsubscribe URL", { $0.listUnsubscribe = "https://example.org/" + String(repeating: "u", count: 1000) }),
    ]

    @Test("invalid values give the same error", arguments: 0..<invalid.count)
    func invalidValues(index: Int) throws {
        var message = try MessageFixtures.alert()
        Self.invalid[index].1(&message)
        let fast = Self.outcome { () throws(MessageError) in try message.encoded(boundarySeed: "seed") }
        let reference = Self.outcome { () throws(MessageError) in
            try RefMessage(message: message).encoded(boundarySeed: "seed")
        }
        #expect(fast == reference, "\(Self.invalid[index].0)")
    }

    @Test("the fixtures encode to the same bytes")
    func fixtures() throws {
        for message in [try MessageFixtures.alert(), try MessageFixtures.alert(html: nil),
                        try MessageFixtures.alert(subject: MessageFixtures.frenchSubject)] {
            #expect(try message.encoded(boundarySeed: "evt") == RefMessage(message: message).encoded(boundarySeed: "evt"))
        }
    }

    @Test("dates format as before")
    func dates() {
        var generator = Generator(state: 7)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -70_000_000_000...260_000_000_000, using: &generator))
            #expect(EmailMessage.rfc5322Date(date) == RefMessage.rfc5322Date(date))
        }
    }
}

extension ReferenceEncodingTests {
    /// `text` changed from a random point on: cut there, or something else put after it.
    static func variant(of text: String, using generator: inout Generator) -> String {
        let characters = Array(text)
        let cut = Int.random(in: 0...characters.count, using: &generator)
        let kept = String(characters[..<cut])
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: return kept
        case 1: return kept + Self.text(bodyPieces, count: Int.random(in: 0...8, using: &generator), using: &generator)
        case 2: return kept + "\r\n" + String(characters[cut...])
        default: return kept + ["Ann & \"Bob\"", "\n", "x", "ж"].randomElement(using: &generator)! + String(characters[cut...])
        }
    }

    @Test("messages encoded through a body cache are the same bytes", arguments: 0..<4)
    func bodyCache(batch: Int) {
        for family in 0..<50 {
            var generator = Generator(state: UInt64(10_000 + batch * 50 + family))
            var (message, _) = Self.message(seed: UInt64(20_000 + batch * 50 + family))
            // Half the families have bodies without CR, which the cache remembers.
            func withoutCR(_ text: String) -> String {
                family % 2 == 0 ? String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" })) : text
            }
            let text = withoutCR(message.textBody)
            let html = message.htmlBody.map(withoutCR)
            message.textBody = text
            message.htmlBody = html
            let cache = BodyEncodingCache()
            for member in 0..<12 {
                if member > 0 {
                    message.textBody = Self.variant(of: text, using: &generator)
                    message.htmlBody = html.map { Self.variant(of: $0, using: &generator) }
                }
                let seed = "member-\(member)"
                let cached = Self.outcome { () throws(MessageError) in
                    try Self.sharing(message, seed: seed, cache: cache)
                }
                let plain = Self.outcome { () throws(MessageError) in try message.encoded(boundarySeed: seed) }
                #expect(cached == plain, "family \(batch)/\(family), member \(member)")
            }
        }
    }

    @Test("a long body shared up to its last lines reuses them and still matches")
    func bodyCacheLongBody() throws {
        let cache = BodyEncodingCache()
        var message = try MessageFixtures.alert()
        let body = String(repeating: "Мосгорсуд оставил в силе решение о ликвидации.\n", count: 200)
        for name in ["Ann & \"Bob\" <x>", "Дмитрий", "", "x\ny", "\n", "é"] {
            message.textBody = body + "Footer (\(name))\nhttps://alerts.example.org/u?t=\(name.count)\n"
            message.htmlBody = "<p>" + body + "</p><p>\(name)</p>\n"
            #expect(try Self.sharing(message, seed: name, cache: cache) == message.encoded(boundarySeed: name))
            // Both parts start with 200 shared lines: each is reported as a run for the store to keep once.
            #expect(try message.encodedSharing(boundarySeed: name, reusing: cache).runs.count == 2)
        }
    }

    /// The message encoded through `cache`, after checking that each run it reports as shared holds its lines.
    static func sharing(_ message: EmailMessage, seed: String, cache: BodyEncodingCache) throws(MessageError)
        -> [UInt8]
    {
        let encoding = try message.encodedSharing(boundarySeed: seed, reusing: cache)
        var end = 0
        for run in encoding.runs {
            #expect(run.offset >= end && run.count >= 512)
            #expect(encoding.bytes[run.offset..<run.offset + run.count].elementsEqual(run.lines.bytes.prefix(run.count)))
            end = run.offset + run.count
        }
        return encoding.bytes
    }
}
