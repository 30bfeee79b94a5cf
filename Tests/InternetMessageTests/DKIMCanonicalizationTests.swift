import Foundation
import InternetMessage
import Testing

/// DKIM's relaxed canonicalisation (RFC 6376 §3.4.2, §3.4.4), the header fields it reads from a finished message,
/// and the `DKIM-Signature` field as written.
@Suite("DKIM canonicalisation")
struct DKIMCanonicalizationTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("RFC 6376 §3.4.5: the example's header fields, relaxed")
    func rfcExampleHeaders() {
        #expect(text(DKIMCanonicalization.relaxedHeader(bytes("A: X\r\n"))) == "a:X\r\n")
        #expect(text(DKIMCanonicalization.relaxedHeader(bytes("B : Y\t\r\n\tZ  \r\n"))) == "b:Y Z\r\n")
    }

    @Test("RFC 6376 §3.4.5: the example's body, relaxed")
    func rfcExampleBody() {
        #expect(text(DKIMCanonicalization.relaxedBody(bytes(" C \r\nD \t E\r\n\r\n\r\n"))) == " C\r\nD E\r\n")
    }

    @Test("relaxed header fields", arguments: [
        ("Subject: Hello  world\r\n", "subject:Hello world\r\n"),
        ("SUBJECT:Hello\r\n", "subject:Hello\r\n"),
        ("To:   a@example.org ,\r\n  b@example.org   \r\n", "to:a@example.org , b@example.org\r\n"),
        ("X-Empty:\r\n", "x-empty:\r\n"),
        ("X-Blank:   \r\n", "x-blank:\r\n"),
        ("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
         "list-unsubscribe-post:List-Unsubscribe=One-Click\r\n"),
    ])
    func headers(field: String, expected: String) {
        #expect(text(DKIMCanonicalization.relaxedHeader(bytes(field))) == expected)
    }

    @Test("relaxed bodies (§3.4.4): blanks at line ends go, runs become one space, empty lines at the end go",
          arguments: [
              ("", ""),
              ("\r\n", ""),
              ("\r\n\r\n\r\n", ""),
              ("abc", "abc\r\n"),
              ("abc   ", "abc\r\n"),
              ("abc\r\n", "abc\r\n"),
              ("a \r\n \r\nb\r\n\r\n", "a\r\n\r\nb\r\n"),
              ("\r\n\r\nstart\r\n", "\r\n\r\nstart\r\n"),
              ("\t  x\t\ty \r\n", " x y\r\n"),
              ("line\r\n  \t \r\n", "line\r\n"),
              ("a\rb\r\n", "a\rb\r\n"),
              ("base64line==\r\n--boundary--\r\n", "base64line==\r\n--boundary--\r\n"),
          ])
    func bodies(body: String, expected: String) {
        #expect(text(DKIMCanonicalization.relaxedBody(bytes(body))) == expected)
    }

    @Test("a composed message's header fields and body are found; folded fields stay whole")
    func headerFields() throws {
        var message = EmailMessage(
            from: try MailAddress(address: "alerts@example.org", displayName: "CaseWatch"),
            to: [try MailAddress(address: "reader@example.org", displayName: "Анна Смирнова")],
            subject: "Дело Московской Хельсинкской группы: кассационная жалоба подана в Верховный суд",
            date: Date(timeIntervalSince1970: 1_790_000_000), messageID: "evt_1.reader@example.org",
            listUnsubscribe: "https://alerts.example.org/u/abc",
            extraHeaders: [("List-Id", "CaseWatch <alerts.example.org>")], textBody: "Текст\n", htmlBody: "<p>Текст</p>")
        message.inReplyTo = "case.mhg@example.org"
        let bytes = try message.encoded(boundarySeed: "evt_1")
        let header = MessageHeaderFields(bytes)
        let names = header.fields.map(\.name)
        #expect(names.prefix(5) == ["date", "from", "to", "subject", "message-id"])
        #expect(names.contains("list-id") && names.contains("list-unsubscribe-post") && names.last == "content-type")
        let subject = try #require(header.fields.first { $0.name == "subject" })
        #expect(text(Array(bytes[subject.range])).contains("\r\n "), "the Cyrillic subject is folded")
        #expect(bytes[header.bodyStart - 4..<header.bodyStart] == [13, 10, 13, 10])
        // Fields and the empty line add up to the header block.
        #expect(header.fields.last?.range.upperBound == header.bodyStart - 2)
    }

    @Test("signed fields are taken from the bottom up, in the order asked; over-signed names repeat in h=")
    func relaxedSelection() {
        let message = bytes("From: a@example.org\r\nX-A: 1\r\nSubject: s\r\nX-A: 2\r\n\r\nbody\r\n")
        let header = MessageHeaderFields(message)
        let single = header.relaxed(["x-a", "subject", "missing"], of: message)
        #expect(single.names == ["x-a", "subject"])
        #expect(text(single.bytes) == "x-a:2\r\nsubject:s\r\n")
        let twice = header.relaxed(["x-a", "x-a", "from"], of: message, overSigning: ["from"])
        #expect(twice.names == ["x-a", "x-a", "from", "from"])
        #expect(text(twice.bytes) == "x-a:2\r\nx-a:1\r\nfrom:a@example.org\r\n")
    }

    @Test("the DKIM-Signature field: folded within 76 columns, signed up to b=, the signature after it")
    func signatureField() {
        let names = ["from", "to", "subject", "date", "message-id", "list-id", "list-unsubscribe",
                     "list-unsubscribe-post", "in-reply-to", "references", "mime-version", "content-type", "from"]
        let field = DKIMSignatureField(algorithm: "rsa-sha256", domain: "example.org", selector: "cw2026",
                                       signedFields: names, bodyHash: String(repeating: "A", count: 43) + "=",
                                       timestamp: 1_790_000_000)
        let signature = String(repeating: "Zm9v", count: 86)
        let whole = text(field.completed(signature: signature))
        #expect(whole.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org;\r\n s=cw2026;"))
        #expect(whole.hasSuffix("\r\n"))
        let lines = whole.dropLast(2).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 }, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        let unfolded = whole.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n", with: "")
        #expect(unfolded.hasSuffix("b=" + signature))
        #expect(unfolded.contains("h=" + names.joined(separator: ":") + ";"))
        #expect(unfolded.contains(" t=1790000000;"))

        let input = text(field.signingInput(signedHeaders: bytes("from:a@example.org\r\n")))
        #expect(input.hasPrefix("from:a@example.org\r\ndkim-signature:v=1; a=rsa-sha256; c=relaxed/relaxed;"))
        #expect(input.hasSuffix(" b="), "signed up to an empty b=, without CRLF")
        #expect(!input.dropFirst("from:a@example.org\r\n".count).contains("\r\n"))
    }
}
