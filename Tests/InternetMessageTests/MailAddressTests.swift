import InternetMessage
import Testing

@Suite("Mail addresses")
struct MailAddressTests {
    @Test(
        "valid addr-specs are accepted as given",
        arguments: [
            "alerts@example.org", "first.last+tag@mail.example.co.uk", "root@localhost", "o'brien@example.ie",
            "a_b-c@xn--80ak6aa92e.xn--p1ai", "UPPER@EXAMPLE.ORG", "x@a-b.c0m", "!#$%&'*+-/=?^_`{|}~@example.org",
        ])
    func valid(address: String) throws {
        #expect(try MailAddress(address: address).address == address)
    }

    @Test(
        "invalid addr-specs are refused, naming the address",
        arguments: [
            "", "alerts", "alerts@", "@example.org", "a@b@example.org", "a b@example.org", "a@example",
            "<a@example.org>", "a@example.org\n", "a@example.org\r\nBcc: victim@example.org", "a\0@example.org",
            ".a@example.org", "a.@example.org", "a..b@example.org", "a@-example.org", "a@example-.org",
            "a@example..org", "a@example.org.", "алерт@example.org", "a@пример.рф", "a@exa_mple.org",
            "a@[192.0.2.1]", "\"quoted\"@example.org", "a,b@example.org", "a@example.org\t",
            String(repeating: "l", count: 65) + "@example.org", "a@" + String(repeating: "d", count: 64) + ".org",
        ])
    func invalid(address: String) {
        let error = #expect(throws: MessageError.self) { try MailAddress(address: address) }
        #expect(error?.field == "address")
        #expect(error?.description.contains(where: \.isNewline) == false)
    }

    @Test("a display name with a line break is refused")
    func displayNameLineBreak() {
        let error = #expect(throws: MessageError.self) {
            try MailAddress(address: "alerts@example.org", displayName: "CaseWatch\nBcc: victim@example.org")
        }
        #expect(error?.field == "display name")
    }

    struct Parsing: Sendable, CustomTestStringConvertible {
        let text: String
        let displayName: String?
        let address: String
        var testDescription: String { text }
    }

    @Test(
        "mailboxes are read as people write them",
        arguments: [
            Parsing(text: "CaseWatch <alerts@example.org>", displayName: "CaseWatch", address: "alerts@example.org"),
            Parsing(text: "alerts@example.org", displayName: nil, address: "alerts@example.org"),
            Parsing(text: "  <alerts@example.org> ", displayName: nil, address: "alerts@example.org"),
            Parsing(text: "\"Watch, Case\" <a@example.org>", displayName: "Watch, Case", address: "a@example.org"),
            Parsing(text: #""Say \"hi\" \\ " <a@example.org>"#, displayName: #"Say "hi" \ "#, address: "a@example.org"),
            Parsing(text: "Группа МХГ <mhg@example.org>", displayName: "Группа МХГ", address: "mhg@example.org"),
            Parsing(text: "CaseWatch<alerts@example.org>", displayName: "CaseWatch", address: "alerts@example.org"),
            Parsing(text: "\"\" <a@example.org>", displayName: nil, address: "a@example.org"),
        ])
    func parsing(_ example: Parsing) throws {
        let mailbox = try MailAddress(parsing: example.text)
        #expect(mailbox.displayName == example.displayName)
        #expect(mailbox.address == example.address)
    }

    @Test(
        "malformed mailboxes are refused",
        arguments: [
            "CaseWatch <alerts@example.org", "CaseWatch alerts@example.org", "\"Unclosed <a@example.org>",
            "\"Name\" extra <a@example.org>", "Name <>", "Name <a@example.org> trailing", "", "Name\r\n<a@example.org>",
            "Name <a@example.org\n>",
        ])
    func malformed(text: String) {
        #expect(throws: MessageError.self) { try MailAddress(parsing: text) }
    }
}
