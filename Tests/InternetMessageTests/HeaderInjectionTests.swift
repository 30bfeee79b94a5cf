import InternetMessage
import Testing

/// CR, LF or NUL in anything that reaches a header is refused with an error naming that header: never written,
/// never silently stripped.
@Suite("Header injection")
struct HeaderInjectionTests {
    struct Injection: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let field: String
        let inject: @Sendable (inout EmailMessage) -> Void
    }

    static let injections: [Injection] = [
        Injection(testDescription: "CRLF in the subject", field: "Subject") {
            $0.subject = "Hello\r\nBcc: victim@example.org"
        },
        Injection(testDescription: "bare LF in the subject", field: "Subject") { $0.subject = "Hello\nBcc: x@y.org" },
        Injection(testDescription: "bare CR in the subject", field: "Subject") { $0.subject = "Hello\rBcc: x@y.org" },
        Injection(testDescription: "NUL in the subject", field: "Subject") { $0.subject = "Hello\0" },
        Injection(testDescription: "LF in the sender's display name", field: "From") {
            $0.from.displayName = "CaseWatch\nBcc: victim@example.org"
        },
        Injection(testDescription: "CR in a recipient's display name", field: "To") {
            $0.to[1].displayName = "Watch\rBcc: victim@example.org"
        },
        Injection(testDescription: "newline in a recipient's address", field: "To") {
            $0.to[0].address = "commissioner@coe.example.int\nBcc: victim@example.org"
        },
        Injection(testDescription: "newline in the sender's address", field: "From") {
            $0.from.address = "alerts@example.org\r\n"
        },
        Injection(testDescription: "NUL in the message id", field: "Message-ID") {
            $0.messageID = "evt_abc\0@example.org"
        },
        Injection(testDescription: "LF in In-Reply-To", field: "In-Reply-To") {
            $0.inReplyTo = "root@example.org\nBcc: victim@example.org"
        },
        Injection(testDescription: "CRLF in a reference", field: "References") {
            $0.references = ["root@example.org\r\nBcc: victim@example.org"]
        },
        Injection(testDescription: "CR in the unsubscribe URL", field: "List-Unsubscribe") {
            $0.listUnsubscribe = "https://example.org/u?x=1\rBcc: victim@example.org"
        },
        Injection(testDescription: "LF in an extra header's value", field: "Auto-Submitted") {
            $0.extraHeaders = [("Auto-Submitted", "auto-generated\nBcc: victim@example.org")]
        },
        Injection(testDescription: "CRLF in an extra header's name", field: #"X-Case\r\nBcc"#) {
            $0.extraHeaders = [("X-Case\r\nBcc", "victim@example.org")]
        },
    ]

    @Test("a line break or NUL is refused, naming the header", arguments: injections)
    func refused(_ injection: Injection) throws {
        var message = try MessageFixtures.alert()
        injection.inject(&message)
        let error = #expect(throws: MessageError.self) { try message.encoded(boundarySeed: "seed") }
        #expect(error?.field == injection.field)
        #expect(error?.description.contains(where: { $0.isNewline || $0 == "\0" }) == false)
    }

    @Test("an address given to the initialiser with a line break never becomes a MailAddress")
    func addressInitialiser() {
        let error = #expect(throws: MessageError.self) {
            try MailAddress(address: "alerts@example.org\r\nBcc: victim@example.org")
        }
        #expect(error?.field == "address")
    }
}
