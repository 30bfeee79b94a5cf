import InternetMessage
import Testing

/// Values that carry no line break but still cannot be written safely or correctly are refused too.
@Suite("Message validation")
struct MessageValidationTests {
    struct Problem: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let field: String
        let change: @Sendable (inout EmailMessage) -> Void
    }

    static let problems: [Problem] = [
        Problem(testDescription: "no recipient", field: "To") { $0.to = [] },
        Problem(testDescription: "message id in angle brackets", field: "Message-ID") {
            $0.messageID = "<evt_abc@example.org>"
        },
        Problem(testDescription: "message id without @", field: "Message-ID") { $0.messageID = "evt_abc" },
        Problem(testDescription: "message id with a space", field: "Message-ID") { $0.messageID = "evt abc@x.org" },
        Problem(testDescription: "non-ASCII In-Reply-To", field: "In-Reply-To") { $0.inReplyTo = "дело@example.org" },
        Problem(testDescription: "plain http unsubscribe URL", field: "List-Unsubscribe") {
            $0.listUnsubscribe = "http://example.org/unsubscribe"
        },
        Problem(testDescription: "mailto unsubscribe URL", field: "List-Unsubscribe") {
            $0.listUnsubscribe = "mailto:unsubscribe@example.org"
        },
        Problem(testDescription: "unsubscribe URL with '>'", field: "List-Unsubscribe") {
            $0.listUnsubscribe = "https://example.org/u>, <https://evil.example"
        },
        Problem(testDescription: "extra header repeating Subject", field: "subject") {
            $0.extraHeaders = [("subject", "second subject")]
        },
        Problem(testDescription: "extra header overriding Content-Type", field: "Content-Type") {
            $0.extraHeaders = [("Content-Type", "text/html")]
        },
        Problem(testDescription: "extra header name with a colon", field: "X-Case:") {
            $0.extraHeaders = [("X-Case:", "1")]
        },
        Problem(testDescription: "extra header name with a space", field: "X Case") {
            $0.extraHeaders = [("X Case", "1")]
        },
        Problem(testDescription: "empty extra header name", field: "") { $0.extraHeaders = [("", "1")] },
        Problem(testDescription: "non-ASCII extra header value", field: "X-Case") {
            $0.extraHeaders = [("X-Case", "Московская Хельсинкская группа")]
        },
        Problem(testDescription: "extra header value with a control character", field: "X-Case") {
            $0.extraHeaders = [("X-Case", "a\u{7}b")]
        },
        Problem(testDescription: "extra header value that cannot be folded within 998 octets", field: "X-Token") {
            $0.extraHeaders = [("X-Token", String(repeating: "a", count: 1000))]
        },
    ]

    @Test("unsafe or invalid values are refused, naming the header", arguments: problems)
    func refused(_ problem: Problem) throws {
        var message = try MessageFixtures.alert()
        problem.change(&message)
        let error = #expect(throws: MessageError.self) { try message.encoded(boundarySeed: "seed") }
        #expect(error?.field == problem.field)
    }

    @Test("an extra header's value is trimmed and folded at its spaces")
    func extraHeaderFolded() throws {
        var message = try MessageFixtures.alert()
        let value = Array(repeating: "token-value", count: 12).joined(separator: " ")
        message.extraHeaders = [("X-Tokens", "  \(value)\t")]
        let wire = WireMessage(bytes: try message.encoded(boundarySeed: "seed"))
        #expect(wire.field("X-Tokens") == " " + value)
        #expect(wire.headerLines.filter { $0.hasPrefix("X-Tokens:") || $0.hasPrefix(" token") }.count > 1)
    }
}
