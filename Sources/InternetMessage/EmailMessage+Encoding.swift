extension EmailMessage {
    /// The whole message as it goes over SMTP: header fields, a blank line, the body; every line ending in CRLF and
    /// none longer than 998 octets (RFC 5322 §2.1.1, §2.3).
    ///
    /// Without `htmlBody` the body is one `text/plain` part. With it, the message is `multipart/alternative`
    /// (RFC 2046 §5.1.4) with the plain text first and the HTML last, since readers show the last part they can.
    /// Both are UTF-8 in base64 (see `TextPart`), and the boundary is derived from `boundarySeed` (pass the message
    /// or delivery id) so the same message always gives the same bytes.
    ///
    /// Throws the first problem found, naming its header: CR, LF or NUL in any header value, an invalid address,
    /// message id, unsubscribe URL or extra header, no recipient, or a line that cannot be kept within 998 octets.
    public func encoded(boundarySeed: String) throws(MessageError) -> [UInt8] {
        var message = try headerFields().joined()
        let plain = TextPart(subtype: "plain", text: textBody)
        guard let htmlBody else {
            message += plain.headerFields + "\r\n" + plain.encodedBody
            return Array(message.utf8)
        }
        let boundary = MIMEBoundary.derived(from: boundarySeed)
        let contentType = HeaderField(
            name: "Content-Type", words: ["multipart/alternative;", "boundary=\"\(boundary)\""])
        message += try contentType.rendered() + "\r\n"
        for part in [plain, TextPart(subtype: "html", text: htmlBody)] {
            message += "--\(boundary)\r\n" + part.headerFields + "\r\n" + part.encodedBody
        }
        message += "--\(boundary)--\r\n"
        return Array(message.utf8)
    }
}
