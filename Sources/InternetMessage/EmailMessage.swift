import Foundation

/// An e-mail message to be written out as RFC 5322 / MIME bytes: the header values and the bodies, nothing more.
///
/// Nothing is checked until ``encoded(boundarySeed:)``, which refuses (never strips) CR, LF or NUL in any value
/// that reaches a header and checks every address and id again, so the properties can be set freely.
public struct EmailMessage: Sendable {
    public var from: MailAddress
    /// At least one recipient.
    public var to: [MailAddress]
    /// Any text; non-ASCII is written as RFC 2047 encoded-words.
    public var subject: String
    /// Written in UTC; see ``rfc5322Date(_:)``.
    public var date: Date
    /// The id without angle brackets (`evt_abc.coe@example.org`): `id-left@id-right` as RFC 5322 §3.6.4 has it.
    /// Keep it the same when a delivery is retried, so receivers can drop the copy.
    public var messageID: String
    /// The id of the message this one answers, without angle brackets; it is also added to `References` when
    /// `references` does not already hold it, so threading works in clients that read either header.
    public var inReplyTo: String?
    /// Ids of the earlier messages of the thread, oldest first, without angle brackets.
    public var references: [String]
    /// An `https` URL that unsubscribes with a single POST: written as `List-Unsubscribe: <URL>` together with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058 §3.1; the sender's DKIM signature must
    /// cover both for mailbox providers to offer the button).
    public var listUnsubscribe: String?
    /// Further header fields, written after the others in this order (`Auto-Submitted: auto-generated`,
    /// `Content-Language: ru`). Values must be ASCII; surrounding whitespace is dropped. Fields this type writes
    /// itself (`Subject`, `Content-Type`, …) are refused here.
    public var extraHeaders: [(name: String, value: String)]
    public var textBody: String
    /// When set, the message is `multipart/alternative` with this as the last, preferred part (RFC 2046 §5.1.4).
    public var htmlBody: String?

    public init(
        from: MailAddress, to: [MailAddress], subject: String, date: Date, messageID: String,
        inReplyTo: String? = nil, references: [String] = [], listUnsubscribe: String? = nil,
        extraHeaders: [(name: String, value: String)] = [], textBody: String, htmlBody: String? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.listUnsubscribe = listUnsubscribe
        self.extraHeaders = extraHeaders
        self.textBody = textBody
        self.htmlBody = htmlBody
    }
}
